import { batchProgress, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const batchProgressOutput = z.object({
  batchId: z.string(),
  kind: z.enum(['sendCommand', 'assignPolicy']),
  params: z.record(z.string(), z.unknown()),
  targeted: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
  counts: z.object({
    pending: z.number().int(),
    inProgress: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
  }),
  byStatus: z.record(z.string(), z.number().int()),
  done: z.boolean(),
});

export const getBatchInput = z.strictObject({ batchId: idSchema });
export const getBatchOutput = batchProgressOutput;

export const getBatch = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:read' }))
    .input(getBatchInput)
    .output(getBatchOutput)
    .query(({ ctx, input }) => batchProgress(ctx.openmdm.mdm.context, input.batchId, ctx.openmdm.scope));
