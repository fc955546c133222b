import { deviceFilterSchema, deviceListQuerySchema, deviceSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { pageInput, pageOf } from '../../schemas/paging.js';

/** The SDK's strict device filter and sort, with the router's page size cap. */
export const listDevicesInput = deviceFilterSchema.extend({
  sort: deviceListQuerySchema.shape.sort,
  ...pageInput,
});
export const listDevicesOutput = pageOf(deviceSchema);

export const listDevices = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:read' }))
    .input(listDevicesInput.optional())
    .output(listDevicesOutput)
    .query(({ ctx, input }) => ctx.openmdm.mdm.devices.list(input ?? {}, ctx.openmdm.scope));
