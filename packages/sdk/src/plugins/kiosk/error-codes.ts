/** Stable codes of the kiosk plugin's errors and refusals. */
export const KIOSK_ERROR_CODES = {
  /** `enter` found no package: none given and the device's policy names no `mainApp`. */
  NO_PACKAGE: 'KIOSK_NO_PACKAGE',
  /** An exit was attempted with the wrong password. */
  EXIT_PASSWORD_INVALID: 'KIOSK_EXIT_PASSWORD_INVALID',
  /** Too many wrong passwords: exits are refused until the lockout ends. */
  LOCKED_OUT: 'KIOSK_LOCKED_OUT',
  /** No exit password is configured (neither in the options nor for the device). */
  EXIT_PASSWORD_NOT_SET: 'KIOSK_EXIT_PASSWORD_NOT_SET',
} as const;

export type KioskErrorCode = (typeof KIOSK_ERROR_CODES)[keyof typeof KIOSK_ERROR_CODES];
