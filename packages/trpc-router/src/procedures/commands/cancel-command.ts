import { commandSchema, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { visibleCommand } from './visible-command.js';

/** Cancels a command the device has not acknowledged yet (PRECONDITION_FAILED afterwards). */
export const cancelCommandInput = z.strictObject({
  id: idSchema,
  reason: z.string().max(500).nullable().optional(),
});
export const cancelCommandOutput = commandSchema;

export const cancelCommand = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'commands:send', audit: { target: 'command' } }))
    .input(cancelCommandInput)
    .output(cancelCommandOutput)
    .mutation(async ({ ctx, input }) => {
      await visibleCommand(ctx.openmdm, input.id);
      return ctx.openmdm.mdm.commands.cancel(input.id, input.reason ?? null);
    });
