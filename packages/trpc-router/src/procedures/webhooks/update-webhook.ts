import { idSchema, webhookUpdateSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { webhookEndpointOutput } from './webhook-schemas.js';

/** Changes a stored endpoint (code-defined ones are read-only: CONFLICT). */
export const updateWebhookInput = webhookUpdateSchema.extend({ id: idSchema });
export const updateWebhookOutput = webhookEndpointOutput;

export const updateWebhook = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'webhooks:write', audit: { target: 'webhook' } }))
    .input(updateWebhookInput)
    .output(updateWebhookOutput)
    .mutation(({ ctx, input: { id, ...patch } }) =>
      ctx.openmdm.mdm.webhooks.update(id, patch, ctx.openmdm.scope),
    );
