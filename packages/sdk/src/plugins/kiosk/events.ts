/** The events the kiosk plugin records, added to the SDK's event map (and so to webhooks and the timeline). */
declare module '../../domain/event.js' {
  interface MDMEventMap {
    'kiosk.entered': { deviceId: string; packageName: string; commandId: string; source: 'admin' | 'policy' };
    'kiosk.exited': { deviceId: string; commandId: string; via: 'admin' | 'password' | 'policy' };
    'kiosk.relaunchRequested': { deviceId: string; packageName: string; foreground: string | null };
    'kiosk.exitDenied': { deviceId: string; attemptsLeft: number };
    'kiosk.lockedOut': { deviceId: string; until: string };
  }
}

export {};
