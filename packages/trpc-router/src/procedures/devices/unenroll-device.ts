import { deviceSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const unenrollDeviceInput = byIdInput;
export const unenrollDeviceOutput = deviceSchema;

/** Revokes the device's tokens at once; it must enrol again to come back. */
export const unenrollDevice = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:write', audit: { target: 'device' } }))
    .input(unenrollDeviceInput)
    .output(unenrollDeviceOutput)
    .mutation(({ ctx, input }) => ctx.openmdm.mdm.devices.unenroll(input.id, ctx.openmdm.scope));
