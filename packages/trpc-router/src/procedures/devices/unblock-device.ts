import { deviceSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const unblockDeviceInput = byIdInput;
export const unblockDeviceOutput = deviceSchema;

export const unblockDevice = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:write', audit: { target: 'device' } }))
    .input(unblockDeviceInput)
    .output(unblockDeviceOutput)
    .mutation(({ ctx, input }) => ctx.openmdm.mdm.devices.unblock(input.id, ctx.openmdm.scope));
