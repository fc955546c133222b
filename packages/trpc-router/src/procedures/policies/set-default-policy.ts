import { idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

/** Makes a policy the default of the actor's fleet, or clears the default with `id: null`. */
export const setDefaultPolicyInput = z.strictObject({ id: idSchema.nullable() });
export const setDefaultPolicyOutput = z.object({ defaultPolicyId: z.string().nullable() });

export const setDefaultPolicy = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:write', audit: { target: 'policy' } }))
    .input(setDefaultPolicyInput)
    .output(setDefaultPolicyOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.openmdm.mdm.policies.setDefault(input.id, ctx.openmdm.scope);
      return { defaultPolicyId: input.id };
    });
