import { idSchema, policySchema, policyUpdateSchema, policyVersionSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const updatePolicyInput = policyUpdateSchema.omit({ updatedBy: true }).extend({ id: idSchema });
/** The policy and its current version: a new one when the settings changed (`versionCreated`). */
export const updatePolicyOutput = z.object({
  policy: policySchema,
  version: policyVersionSchema,
  versionCreated: z.boolean(),
});

export const updatePolicy = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:write', audit: { target: 'policy' } }))
    .input(updatePolicyInput)
    .output(updatePolicyOutput)
    .mutation(async ({ ctx, input: { id, ...patch } }) => {
      const { mdm, scope, actor } = ctx.openmdm;
      const before = await mdm.policies.get(id, scope);
      const policy = await mdm.policies.update(id, { ...patch, updatedBy: actor.id }, scope);
      const version = await mdm.policies.getVersion(id, policy.version, scope);
      return { policy, version, versionCreated: policy.version !== before.version };
    });
