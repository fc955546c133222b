import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { webhookEndpointOutput } from './webhook-schemas.js';

/** Code-defined endpoints (read-only) first, then stored ones. */
export const listWebhooksOutput = z.array(webhookEndpointOutput);

export const listWebhooks = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'webhooks:read' }))
    .output(listWebhooksOutput)
    .query(({ ctx }) => ctx.openmdm.mdm.webhooks.list(ctx.openmdm.scope));
