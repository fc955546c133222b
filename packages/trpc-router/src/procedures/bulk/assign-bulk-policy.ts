import { bulkAssignPolicy, bulkTargetSchema, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { bulkResultOutput } from './send-bulk-command.js';

/** Assigns a policy (null: removes the devices' own assignment) to the targeted devices. */
export const assignBulkPolicyInput = z.strictObject({
  target: bulkTargetSchema,
  policyId: idSchema.nullable(),
});
export const assignBulkPolicyOutput = bulkResultOutput;

export const assignBulkPolicy = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:write', audit: { target: 'batch' } }))
    .input(assignBulkPolicyInput)
    .output(assignBulkPolicyOutput)
    .mutation(({ ctx, input }) => {
      const { mdm, scope, actor } = ctx.openmdm;
      return bulkAssignPolicy(mdm, input.target, input.policyId, { ...scope, createdBy: actor.id });
    });
