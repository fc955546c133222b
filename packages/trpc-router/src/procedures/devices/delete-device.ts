import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput, deletedOutput } from '../../schemas/common.js';

export const deleteDeviceInput = byIdInput;
export const deleteDeviceOutput = deletedOutput;

/** Soft delete: the device is refused and hidden; its history stays. */
export const deleteDevice = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:delete', audit: { target: 'device' } }))
    .input(deleteDeviceInput)
    .output(deleteDeviceOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.openmdm.mdm.devices.delete(input.id, ctx.openmdm.scope);
      return { id: input.id, deleted: true as const };
    });
