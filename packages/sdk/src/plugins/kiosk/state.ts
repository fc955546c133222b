/** What the kiosk plugin remembers per device, in its key-value store (`device:<id>`). */
export interface KioskDeviceState {
  /** Kiosk mode was requested (an enterKiosk went out and no exitKiosk since). */
  active: boolean;
  packageName: string | null;
  source: 'admin' | 'policy' | null;
  /** The agent completed the last enter/exit command successfully. */
  confirmed: boolean;
  lastCommandId: string | null;
  lastError: string | null;
  enteredAt: string | null;
  exitedAt: string | null;
  failedExitAttempts: number;
  lockedUntil: string | null;
  lastRelaunchAt: string | null;
  relaunchCount: number;
}

export const emptyKioskState: KioskDeviceState = {
  active: false,
  packageName: null,
  source: null,
  confirmed: false,
  lastCommandId: null,
  lastError: null,
  enteredAt: null,
  exitedAt: null,
  failedExitAttempts: 0,
  lockedUntil: null,
  lastRelaunchAt: null,
  relaunchCount: 0,
};

export const stateKey = (deviceId: string) => `device:${deviceId}`;
export const passwordKey = (deviceId: string) => `password:${deviceId}`;
