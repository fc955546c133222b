import { deviceSchema, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

/** `policyId: null` removes the device's own assignment (its groups' or the default policy applies again). */
export const assignDevicePolicyInput = z.strictObject({ id: idSchema, policyId: idSchema.nullable() });
export const assignDevicePolicyOutput = deviceSchema;

export const assignDevicePolicy = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:write', audit: { target: 'device' } }))
    .input(assignDevicePolicyInput)
    .output(assignDevicePolicyOutput)
    .mutation(({ ctx, input }) =>
      ctx.openmdm.mdm.devices.assignPolicy(input.id, input.policyId, ctx.openmdm.scope),
    );
