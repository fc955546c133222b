import { bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';

/** The append-only event log. `id` is monotonic, so readers resume from the last id they saw. */
export const events = pgTable(
  'mdm_events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    tenantId: text('tenant_id'),
    type: text('type').notNull(),
    deviceId: text('device_id'),
    commandId: text('command_id'),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('mdm_events_device_idx').on(t.deviceId, t.id),
    index('mdm_events_command_idx').on(t.commandId, t.id),
    index('mdm_events_type_idx').on(t.type, t.id),
    index('mdm_events_tenant_idx').on(t.tenantId, t.id),
  ],
);
