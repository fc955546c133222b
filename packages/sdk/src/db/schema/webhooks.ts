import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, timestampTz, updatedAt } from './columns.js';

export const webhookEndpoints = pgTable(
  'mdm_webhook_endpoints',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    url: text('url').notNull(),
    description: text('description'),
    /** Event name filters; `*` and `device.*` style wildcards. */
    events: text('events').array().notNull(),
    /** Signing secrets, newest first; several during a rotation. */
    secrets: text('secrets').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('mdm_webhook_endpoints_tenant_idx').on(t.tenantId)],
);

/** The webhook outbox: one row per (event, endpoint), written in the same transaction as the event. */
export const webhookDeliveries = pgTable(
  'mdm_webhook_deliveries',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id').notNull(),
    eventId: bigint('event_id', { mode: 'bigint' }).notNull(),
    eventType: text('event_type').notNull(),
    deviceId: text('device_id'),
    payload: jsonb('payload').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestampTz('next_attempt_at'),
    lockedUntil: timestampTz('locked_until'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestampTz('delivered_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('mdm_webhook_deliveries_event_endpoint_idx').on(t.eventId, t.endpointId),
    index('mdm_webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('mdm_webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
    // The delivery worker's head-of-line check: a device's pending deliveries to one endpoint, by event id.
    index('mdm_webhook_deliveries_order_idx')
      .on(t.endpointId, t.deviceId, t.eventId)
      .where(sql`${t.status} = 'pending'`),
  ],
);
