import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, timestampTz } from './columns.js';

/** One bulk operation of the admin plane (a command or a policy sent to many devices at once). */
export const batches = pgTable(
  'mdm_batches',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    /** `sendCommand` or `assignPolicy`. */
    kind: text('kind').notNull(),
    /** What was applied: the command type and payload, or the policy id and version. */
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    targeted: integer('targeted').notNull(),
    accepted: integer('accepted').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    finishedAt: timestampTz('finished_at'),
  },
  (t) => [index('mdm_batches_tenant_idx').on(t.tenantId, t.createdAt)],
);

/** The devices a batch targeted, with the command it created or why the device was refused. */
export const batchItems = pgTable(
  'mdm_batch_items',
  {
    batchId: text('batch_id')
      .notNull()
      .references(() => batches.id, { onDelete: 'cascade' }),
    deviceId: text('device_id').notNull(),
    commandId: text('command_id'),
    errorCode: text('error_code'),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.deviceId] })],
);
