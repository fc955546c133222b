import { deviceSchema, deviceUpdateSchema, idSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const updateDeviceInput = deviceUpdateSchema.extend({ id: idSchema });
export const updateDeviceOutput = deviceSchema;

export const updateDevice = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:write', audit: { target: 'device' } }))
    .input(updateDeviceInput)
    .output(updateDeviceOutput)
    .mutation(({ ctx, input: { id, ...patch } }) =>
      ctx.openmdm.mdm.devices.update(id, patch, ctx.openmdm.scope),
    );
