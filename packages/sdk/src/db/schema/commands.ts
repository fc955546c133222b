import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { CommandResult } from '../../domain/command.js';
import { createdAt, timestampTz, updatedAt } from './columns.js';
import { devices } from './devices.js';

export const commands = pgTable(
  'mdm_commands',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').notNull(),
    idempotencyKey: text('idempotency_key'),
    result: jsonb('result').$type<CommandResult>(),
    error: text('error'),
    batchId: text('batch_id'),
    createdBy: text('created_by'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** How many times the command went out in a heartbeat response. */
    deliveryCount: integer('delivery_count').notNull().default(0),
    /** Push wake-up bookkeeping for the dispatcher. */
    pushAttempts: integer('push_attempts').notNull().default(0),
    nextPushAt: timestampTz('next_push_at'),
    lastPushError: text('last_push_error'),
    createdAt: createdAt(),
    sentAt: timestampTz('sent_at'),
    acknowledgedAt: timestampTz('acknowledged_at'),
    completedAt: timestampTz('completed_at'),
    expiresAt: timestampTz('expires_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('mdm_commands_idempotency_idx').on(t.deviceId, t.idempotencyKey),
    index('mdm_commands_device_idx').on(t.deviceId, t.createdAt),
    // The heartbeat's queue lookup: a device's open commands only.
    index('mdm_commands_open_idx').on(t.deviceId, t.createdAt).where(sql`${t.status} in ('pending', 'sent')`),
    index('mdm_commands_expiry_idx').on(t.expiresAt).where(sql`${t.status} in ('pending', 'sent')`),
    index('mdm_commands_push_idx')
      .on(t.nextPushAt)
      .where(sql`${t.status} = 'pending' and ${t.nextPushAt} is not null`),
    index('mdm_commands_ack_idx').on(t.acknowledgedAt).where(sql`${t.status} = 'acknowledged'`),
    index('mdm_commands_status_idx').on(t.status, t.createdAt),
    index('mdm_commands_batch_idx').on(t.batchId),
    index('mdm_commands_created_idx').on(t.createdAt, t.id),
  ],
);
