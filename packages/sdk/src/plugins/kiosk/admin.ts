import { z } from 'zod';
import { appRegisterSchema } from '../../domain/app.js';
import { idSchema } from '../../domain/common.js';
import { adminOperation } from '../define.js';
import type { PluginContext } from '../types.js';
import type { KioskService } from './kiosk-service.js';

const packageName = appRegisterSchema.shape.packageName;
const device = z.strictObject({ deviceId: idSchema });

/** The kiosk plugin's admin operations, called by name through `mdm.plugins.call('kiosk', …)`. */
export function kioskAdminOperations(service: (ctx: PluginContext) => KioskService) {
  return {
    status: adminOperation({
      kind: 'query',
      description: 'Kiosk state of a device: active, app, confirmation, lockout',
      input: device,
      handler: ({ deviceId }, ctx) => service(ctx).status(deviceId),
    }),
    enter: adminOperation({
      kind: 'mutation',
      description: 'Send enterKiosk (packageName, else the policy mainApp)',
      input: z.strictObject({ deviceId: idSchema, packageName: packageName.optional() }),
      handler: ({ deviceId, packageName }, ctx) =>
        service(ctx).enter(deviceId, packageName === undefined ? {} : { packageName }),
    }),
    exit: adminOperation({
      kind: 'mutation',
      description: 'Send exitKiosk (no password needed from an admin)',
      input: device,
      handler: ({ deviceId }, ctx) => service(ctx).exit(deviceId, 'admin'),
    }),
    attemptExit: adminOperation({
      kind: 'mutation',
      description: 'Exit with the exit password, counting wrong attempts toward a lockout',
      input: z.strictObject({ deviceId: idSchema, password: z.string().min(1).max(128) }),
      handler: ({ deviceId, password }, ctx) => service(ctx).attemptExit(deviceId, password),
    }),
    unlock: adminOperation({
      kind: 'mutation',
      description: 'End an exit-password lockout',
      input: device,
      handler: ({ deviceId }, ctx) => service(ctx).unlock(deviceId),
    }),
    setExitPassword: adminOperation({
      kind: 'mutation',
      description: "Set or clear (null) a device's own exit password",
      input: z.strictObject({ deviceId: idSchema, password: z.string().min(4).max(128).nullable() }),
      handler: async ({ deviceId, password }, ctx) => {
        await service(ctx).setExitPassword(deviceId, password);
        return { ok: true };
      },
    }),
  };
}
