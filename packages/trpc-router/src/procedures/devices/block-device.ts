import { deviceSchema, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const blockDeviceInput = z.strictObject({
  id: idSchema,
  reason: z.string().max(500).nullable().optional(),
});
export const blockDeviceOutput = deviceSchema;

/** The device is refused on its next request and cannot enrol again until unblocked. */
export const blockDevice = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:write', audit: { target: 'device' } }))
    .input(blockDeviceInput)
    .output(blockDeviceOutput)
    .mutation(({ ctx, input }) =>
      ctx.openmdm.mdm.devices.block(input.id, input.reason ?? null, ctx.openmdm.scope),
    );
