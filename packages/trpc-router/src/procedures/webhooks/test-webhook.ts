import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const testWebhookInput = byIdInput;
/** The outcome of one signed `webhook.test` message sent now. */
export const testWebhookOutput = z.object({
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});

export const testWebhook = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'webhooks:write', audit: { target: 'webhook' } }))
    .input(testWebhookInput)
    .output(testWebhookOutput)
    .mutation(({ ctx, input }) => ctx.openmdm.mdm.webhooks.test(input.id, ctx.openmdm.scope));
