import { commandSchema, commandStatusSchema, commandTypeSchema, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { dateInput, pageInput, pageOf } from '../../schemas/paging.js';

/** Commands newest first, by device, type, status, batch and creation time. */
export const listCommandsInput = z.strictObject({
  deviceId: idSchema.optional(),
  type: z.array(commandTypeSchema).max(50).optional(),
  status: z.array(commandStatusSchema).max(7).optional(),
  batchId: idSchema.optional(),
  createdAfter: dateInput.optional(),
  createdBefore: dateInput.optional(),
  ...pageInput,
});
export const listCommandsOutput = pageOf(commandSchema);

export const listCommands = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'commands:read' }))
    .input(listCommandsInput.optional())
    .output(listCommandsOutput)
    .query(async ({ ctx, input = { limit: 50 } }) => {
      const { mdm, scope } = ctx.openmdm;
      if (input.deviceId) await mdm.devices.get(input.deviceId, scope);
      return mdm.commands.list(input, scope);
    });
