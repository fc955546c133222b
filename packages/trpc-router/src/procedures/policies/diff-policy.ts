import { diffSettings, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

/** The settings changes from version `from` to version `to` (default: the current version). */
export const diffPolicyInput = z.strictObject({
  id: idSchema,
  from: z.number().int().min(1),
  to: z.number().int().min(1).optional(),
});
export const diffPolicyOutput = z.object({
  policyId: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(
    z.object({
      path: z.array(z.union([z.string(), z.number()])),
      kind: z.enum(['added', 'removed', 'changed']),
      before: z.unknown().optional(),
      after: z.unknown().optional(),
    }),
  ),
});

export const diffPolicy = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:read' }))
    .input(diffPolicyInput)
    .output(diffPolicyOutput)
    .query(async ({ ctx, input }) => {
      const { mdm, scope } = ctx.openmdm;
      const to = input.to ?? (await mdm.policies.get(input.id, scope)).version;
      const [before, after] = await Promise.all([
        mdm.policies.getVersion(input.id, input.from, scope),
        mdm.policies.getVersion(input.id, to, scope),
      ]);
      return {
        policyId: input.id,
        from: input.from,
        to,
        changes: diffSettings(before.settings, after.settings),
      };
    });
