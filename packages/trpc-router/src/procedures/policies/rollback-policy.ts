import { idSchema, policySchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

/** Restores the settings of `toVersion` as a new version (history is never rewritten). */
export const rollbackPolicyInput = z.strictObject({ id: idSchema, toVersion: z.number().int().min(1) });
export const rollbackPolicyOutput = policySchema;

export const rollbackPolicy = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:write', audit: { target: 'policy' } }))
    .input(rollbackPolicyInput)
    .output(rollbackPolicyOutput)
    .mutation(({ ctx, input }) =>
      ctx.openmdm.mdm.policies.rollback(input.id, input.toVersion, {
        ...ctx.openmdm.scope,
        by: ctx.openmdm.actor.id,
      }),
    );
