import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';
import { webhookEndpointOutput } from './webhook-schemas.js';

export const getWebhookInput = byIdInput;
export const getWebhookOutput = webhookEndpointOutput;

export const getWebhook = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'webhooks:read' }))
    .input(getWebhookInput)
    .output(getWebhookOutput)
    .query(({ ctx, input }) => ctx.openmdm.mdm.webhooks.get(input.id, ctx.openmdm.scope));
