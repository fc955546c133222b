import { z } from 'zod';
import { parseInput } from '../../util/validate.js';

export const kioskOptionsSchema = z.strictObject({
  /** Password that lets a device leave kiosk mode (per-device passwords can be set with `setExitPassword`). */
  exitPassword: z.string().min(4, 'exitPassword must be at least 4 characters').max(128).optional(),
  /** Wrong passwords in a row before exits are locked out (default 5). */
  maxExitAttempts: z.number().int().min(1).max(100).default(5),
  /** Length of a lockout, in seconds (default 900). */
  lockoutSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 86_400)
    .default(900),
  relaunch: z
    .strictObject({
      /** Relaunch the kiosk app when a heartbeat's `runningApps` shows another app in front (default true). */
      enabled: z.boolean().default(true),
      /** At most one relaunch per device in this many seconds (default 60). */
      minIntervalSeconds: z.number().int().min(0).max(86_400).default(60),
    })
    .default({ enabled: true, minIntervalSeconds: 60 }),
  /** Send enterKiosk / exitKiosk when a device applies a policy that turns kiosk mode on or off (default true). */
  followPolicy: z.boolean().default(true),
});

export type KioskOptions = z.input<typeof kioskOptionsSchema>;
export type KioskSettings = z.output<typeof kioskOptionsSchema>;

export function parseKioskOptions(options: KioskOptions | undefined): KioskSettings {
  return parseInput(kioskOptionsSchema, options ?? {}, 'kioskPlugin options');
}
