import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput, deletedOutput } from '../../schemas/common.js';

export const deleteWebhookInput = byIdInput;
export const deleteWebhookOutput = deletedOutput;

/** Deletes a stored endpoint and cancels its pending deliveries. */
export const deleteWebhook = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'webhooks:write', audit: { target: 'webhook' } }))
    .input(deleteWebhookInput)
    .output(deleteWebhookOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.openmdm.mdm.webhooks.delete(input.id, ctx.openmdm.scope);
      return { id: input.id, deleted: true as const };
    });
