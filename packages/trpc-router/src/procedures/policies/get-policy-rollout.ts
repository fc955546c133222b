import { policyRollout } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const getPolicyRolloutInput = byIdInput;
/** Of the devices that must run the policy, how many report each version (`null`: not this policy yet). */
export const getPolicyRolloutOutput = z.object({
  policyId: z.string(),
  currentVersion: z.number().int(),
  targeted: z.number().int(),
  upToDate: z.number().int(),
  versions: z.array(z.object({ version: z.number().int().nullable(), devices: z.number().int() })),
});

export const getPolicyRollout = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:read' }))
    .input(getPolicyRolloutInput)
    .output(getPolicyRolloutOutput)
    .query(async ({ ctx, input }) => {
      const { mdm, scope } = ctx.openmdm;
      return policyRollout(mdm.context, await mdm.policies.get(input.id, scope), scope);
    });
