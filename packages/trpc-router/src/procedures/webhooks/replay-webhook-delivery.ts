import { idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { webhookDeliveryOutput } from './webhook-schemas.js';

/** Sends a delivery again from its first attempt (a dead-lettered one, or one the receiver lost). */
export const replayWebhookDeliveryInput = z.strictObject({ deliveryId: idSchema });
export const replayWebhookDeliveryOutput = webhookDeliveryOutput;

export const replayWebhookDelivery = (p: MDMProcedureBuilder) =>
  p
    .meta(
      mdmMeta({ permission: 'webhooks:write', audit: { target: 'webhookDelivery', idKey: 'deliveryId' } }),
    )
    .input(replayWebhookDeliveryInput)
    .output(replayWebhookDeliveryOutput)
    .mutation(({ ctx, input }) => ctx.openmdm.mdm.webhooks.replay(input.deliveryId, ctx.openmdm.scope));
