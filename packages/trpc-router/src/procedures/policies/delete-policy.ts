import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput, deletedOutput } from '../../schemas/common.js';

export const deletePolicyInput = byIdInput;
export const deletePolicyOutput = deletedOutput;

/** Refused with CONFLICT while devices or groups use the policy (the message and details carry the counts). */
export const deletePolicy = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:write', audit: { target: 'policy' } }))
    .input(deletePolicyInput)
    .output(deletePolicyOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.openmdm.mdm.policies.delete(input.id, ctx.openmdm.scope);
      return { id: input.id, deleted: true as const };
    });
