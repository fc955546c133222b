import { policySchema, policyVersionSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const getPolicyInput = byIdInput;
/** The policy and its immutable versions, newest first. */
export const getPolicyOutput = z.object({ policy: policySchema, versions: z.array(policyVersionSchema) });

export const getPolicy = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:read' }))
    .input(getPolicyInput)
    .output(getPolicyOutput)
    .query(async ({ ctx, input }) => {
      const { mdm, scope } = ctx.openmdm;
      const policy = await mdm.policies.get(input.id, scope);
      return { policy, versions: await mdm.policies.history(input.id, scope) };
    });
