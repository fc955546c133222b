import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { PolicySettings } from '../../domain/policy-settings.js';
import { createdAt, updatedAt } from './columns.js';

export const policies = pgTable(
  'mdm_policies',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    name: text('name').notNull(),
    description: text('description'),
    isDefault: boolean('is_default').notNull().default(false),
    version: integer('version').notNull(),
    settings: jsonb('settings').$type<PolicySettings>().notNull(),
    settingsHash: text('settings_hash').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('mdm_policies_tenant_idx').on(t.tenantId, t.name),
    // One default policy per tenant (the null tenant is the single-tenant fleet).
    uniqueIndex('mdm_policies_default_idx').on(sql`coalesce(${t.tenantId}, '')`).where(sql`${t.isDefault}`),
  ],
);

/** Immutable snapshots: a row is written once per settings change and never updated. */
export const policyVersions = pgTable(
  'mdm_policy_versions',
  {
    policyId: text('policy_id')
      .notNull()
      .references(() => policies.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    settings: jsonb('settings').$type<PolicySettings>().notNull(),
    settingsHash: text('settings_hash').notNull(),
    createdBy: text('created_by'),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.policyId, t.version] })],
);
