import { idSchema, watchBatch as watchBatchProgress } from '@openmdm/sdk';
import { z } from 'zod';
import { rethrowMapped } from '../../errors.js';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { batchProgressOutput } from './get-batch.js';

export const watchBatchInput = z.strictObject({ batchId: idSchema });
export const watchBatchOutput = batchProgressOutput;

/** The batch's progress now and after every change, until it is done. */
export const watchBatch = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:read' }))
    .input(watchBatchInput)
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        const { mdm, scope } = ctx.openmdm;
        for await (const progress of watchBatchProgress(mdm.context, input.batchId, scope, signal)) {
          yield watchBatchOutput.parse(progress);
        }
      } catch (error) {
        rethrowMapped(error);
      }
    });
