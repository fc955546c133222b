import { bulkSendCommand, bulkTargetSchema, type CommandInput } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { adminCommandSchema, isDestructive } from '../../schemas/command.js';

export const bulkResultOutput = z.object({
  batchId: z.string(),
  targeted: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  rejections: z.array(z.object({ deviceId: z.string(), code: z.string(), message: z.string() })),
});

/** Devices by `ids`, by the strict `devices.list` filter, or `all: true`; one command for each. */
export const sendBulkCommandInput = z.strictObject({ target: bulkTargetSchema, command: adminCommandSchema });
export const sendBulkCommandOutput = bulkResultOutput;

export const sendBulkCommand = (p: MDMProcedureBuilder) =>
  p
    .meta(
      mdmMeta({
        permission: 'commands:send',
        destructivePermission: 'commands:wipe',
        audit: { target: 'batch' },
      }),
    )
    .input(sendBulkCommandInput)
    .output(sendBulkCommandOutput)
    .mutation(async ({ ctx, input }) => {
      const { mdm, scope, actor } = ctx.openmdm;
      if (isDestructive(input.command.type)) await ctx.openmdm.require('commands:wipe');
      return bulkSendCommand(mdm, input.target, input.command as CommandInput, {
        ...scope,
        createdBy: actor.id,
      });
    });
