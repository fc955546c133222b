import { webhookDeliveryStatuses } from '@openmdm/sdk';
import { z } from 'zod';

/** An endpoint as admins see it: its signing secrets are never returned after creation. */
export const webhookEndpointOutput = z.object({
  id: z.string(),
  source: z.enum(['config', 'database']),
  tenantId: z.string().nullable(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  secretCount: z.number().int(),
  createdAt: z.date().nullable(),
  updatedAt: z.date().nullable(),
});

export const webhookDeliveryOutput = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  deviceId: z.string().nullable(),
  status: z.enum(webhookDeliveryStatuses),
  attempts: z.number().int(),
  nextAttemptAt: z.date().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  payload: z.unknown(),
});
