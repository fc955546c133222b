import { z } from 'zod';
import { cursorSchema, idSchema, pageLimitSchema } from '../domain/common.js';
import { eventFiltersSchema } from './event-filter.js';
import { type ResolvedEndpoint, webhookSecretsSchema, webhookUrlSchema } from './options.js';

/** A webhook endpoint as the SDK shows it: its secrets are never returned after creation. */
export interface WebhookEndpoint extends Omit<ResolvedEndpoint, 'secrets'> {
  /** How many secrets currently sign (more than one during a rotation). */
  secretCount: number;
}

/** The endpoint returned by `create`, with the signing secret the receiver needs (shown once). */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  secret: string;
}

export const webhookDeliveryStatuses = ['pending', 'delivered', 'dead', 'cancelled'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  deviceId: string | null;
  /** `pending` (waiting or retrying), `delivered`, `dead` (every attempt failed) or `cancelled`. */
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** The JSON body the receiver gets (`{ type, timestamp, data }`). */
  payload: unknown;
}

export interface WebhookTestResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export const webhookCreateSchema = z.strictObject({
  url: webhookUrlSchema,
  events: eventFiltersSchema.default(['*']),
  description: z.string().max(500).nullable().optional(),
  /** Signing secret(s); one is generated when omitted. */
  secrets: webhookSecretsSchema.optional(),
  enabled: z.boolean().default(true),
  tenantId: z.string().max(64).nullable().optional(),
});
export type WebhookCreateInput = z.input<typeof webhookCreateSchema>;

export const webhookUpdateSchema = z.strictObject({
  url: webhookUrlSchema.optional(),
  events: eventFiltersSchema.optional(),
  description: z.string().max(500).nullable().optional(),
  /** Replaces the signing secrets; keep the old one in the list until every receiver has the new one. */
  secrets: webhookSecretsSchema.optional(),
  enabled: z.boolean().optional(),
});
export type WebhookUpdateInput = z.input<typeof webhookUpdateSchema>;

export const webhookDeliveryQuerySchema = z.strictObject({
  endpointId: idSchema.optional(),
  status: z.array(z.enum(webhookDeliveryStatuses)).max(4).optional(),
  deviceId: idSchema.optional(),
  eventType: z.string().max(128).optional(),
  limit: pageLimitSchema,
  cursor: cursorSchema.optional(),
});
export type WebhookDeliveryQuery = z.input<typeof webhookDeliveryQuerySchema>;
