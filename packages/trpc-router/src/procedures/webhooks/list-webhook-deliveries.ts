import { webhookDeliveryQuerySchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { pageInput, pageOf } from '../../schemas/paging.js';
import { webhookDeliveryOutput } from './webhook-schemas.js';

/** The delivery log, newest first, by endpoint, status, device or event type. */
export const listWebhookDeliveriesInput = webhookDeliveryQuerySchema.extend(pageInput);
export const listWebhookDeliveriesOutput = pageOf(webhookDeliveryOutput);

export const listWebhookDeliveries = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'webhooks:read' }))
    .input(listWebhookDeliveriesInput.optional())
    .output(listWebhookDeliveriesOutput)
    .query(({ ctx, input }) => ctx.openmdm.mdm.webhooks.deliveries(input ?? {}, ctx.openmdm.scope));
