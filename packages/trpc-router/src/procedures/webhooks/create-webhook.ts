import { webhookCreateSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { webhookEndpointOutput } from './webhook-schemas.js';

/** The tenant is the actor's. The signing secret is generated unless given. */
export const createWebhookInput = webhookCreateSchema.omit({ tenantId: true });
/** The endpoint with its signing secret, which is shown this once. */
export const createWebhookOutput = webhookEndpointOutput.extend({ secret: z.string() });

export const createWebhook = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'webhooks:write', audit: { target: 'webhook' } }))
    .input(createWebhookInput)
    .output(createWebhookOutput)
    .mutation(({ ctx, input }) =>
      ctx.openmdm.mdm.webhooks.create({ ...input, tenantId: ctx.openmdm.tenantId }),
    );
