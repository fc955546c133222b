import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.js';

export const groups = pgTable(
  'mdm_groups',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    name: text('name').notNull(),
    description: text('description'),
    parentId: text('parent_id'),
    policyId: text('policy_id'),
    priority: integer('priority').notNull().default(0),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('mdm_groups_parent_idx').on(t.parentId),
    index('mdm_groups_policy_idx').on(t.policyId),
    index('mdm_groups_tenant_idx').on(t.tenantId, t.name),
  ],
);
