import { policyCreateSchema, policySchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

/** The tenant is the actor's and the author is the actor: neither is taken from the input. */
export const createPolicyInput = policyCreateSchema.omit({ tenantId: true, createdBy: true });
export const createPolicyOutput = policySchema;

export const createPolicy = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:write', audit: { target: 'policy' } }))
    .input(createPolicyInput)
    .output(createPolicyOutput)
    .mutation(({ ctx, input }) =>
      ctx.openmdm.mdm.policies.create({
        ...input,
        tenantId: ctx.openmdm.tenantId,
        createdBy: ctx.openmdm.actor.id,
      }),
    );
