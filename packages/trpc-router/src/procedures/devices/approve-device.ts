import { deviceSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const approveDeviceInput = byIdInput;
export const approveDeviceOutput = deviceSchema;

/** Lets in a device that enrolled while approval was required. */
export const approveDevice = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:write', audit: { target: 'device' } }))
    .input(approveDeviceInput)
    .output(approveDeviceOutput)
    .mutation(({ ctx, input }) => ctx.openmdm.mdm.devices.approve(input.id, ctx.openmdm.scope));
