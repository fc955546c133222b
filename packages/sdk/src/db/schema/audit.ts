import { bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';

/** Who did what to which target through the admin plane. */
export const auditLog = pgTable(
  'mdm_audit_log',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    tenantId: text('tenant_id'),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    input: jsonb('input'),
    result: text('result').notNull(),
    error: text('error'),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('mdm_audit_actor_idx').on(t.actorId, t.id),
    index('mdm_audit_target_idx').on(t.targetType, t.targetId, t.id),
    index('mdm_audit_action_idx').on(t.action, t.id),
    index('mdm_audit_tenant_idx').on(t.tenantId, t.id),
    index('mdm_audit_created_idx').on(t.createdAt),
  ],
);
