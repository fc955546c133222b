import { MDMError } from '../errors.js';

/** The device's credentials are missing, invalid or expired: the agent must refresh or enrol again. */
export class DeviceAuthError extends MDMError {
  constructor(
    code:
      | 'DEVICE_TOKEN_MISSING'
      | 'DEVICE_TOKEN_INVALID'
      | 'DEVICE_TOKEN_EXPIRED'
      | 'DEVICE_TOKEN_REVOKED'
      | 'REFRESH_TOKEN_INVALID'
      | 'REFRESH_TOKEN_EXPIRED'
      | 'REFRESH_TOKEN_REUSED',
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(code, message, details);
  }
}

/**
 * The device authenticated, but the fleet no longer serves it: unknown or deleted (`DEVICE_NOT_FOUND`),
 * unenrolled (`DEVICE_UNENROLLED`) or blocked (`DEVICE_BLOCKED`). Checked on every request.
 */
export class DeviceAccessDeniedError extends MDMError {
  constructor(
    readonly deviceId: string,
    code: 'DEVICE_NOT_FOUND' | 'DEVICE_UNENROLLED' | 'DEVICE_BLOCKED',
  ) {
    super(code, accessDeniedMessages[code], { deviceId });
  }
}

const accessDeniedMessages = {
  DEVICE_NOT_FOUND: 'Device not found',
  DEVICE_UNENROLLED: 'Device is unenrolled',
  DEVICE_BLOCKED: 'Device is blocked',
} as const;

export type EnrollmentErrorCode =
  | 'ENROLLMENT_NOT_CONFIGURED'
  | 'ENROLLMENT_SIGNATURE_INVALID'
  | 'ENROLLMENT_TIMESTAMP_INVALID'
  | 'CHALLENGE_INVALID'
  | 'PUBLIC_KEY_INVALID'
  /** A pinned device re-enrolled with another key (an admin can unpin). */
  | 'PUBLIC_KEY_MISMATCH'
  /** A pinned device tried the HMAC path, which would bypass its key. */
  | 'PINNED_KEY_REQUIRED'
  | 'ENROLLMENT_REJECTED'
  | 'DEVICE_BLOCKED'
  | 'DEVICE_UNENROLLING';

/** An enrolment was refused; `code` says why and is stable. */
export class EnrollmentError extends MDMError {
  constructor(
    readonly reason: EnrollmentErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(reason, message, details);
  }
}

/** The protocol needs `enrollment` and `auth` options that this instance was created without. */
export class ProtocolNotConfiguredError extends MDMError {
  constructor(missing: 'enrollment' | 'auth') {
    super(
      'PROTOCOL_NOT_CONFIGURED',
      `the device protocol needs the \`${missing}\` option of createMDM (${missing === 'auth' ? 'deviceTokenSecret' : 'deviceSecret'})`,
    );
  }
}
