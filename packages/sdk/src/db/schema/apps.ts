import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.js';

export const apps = pgTable(
  'mdm_apps',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    packageName: text('package_name').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('mdm_apps_package_idx').on(sql`coalesce(${t.tenantId}, '')`, t.packageName)],
);

export const appVersions = pgTable(
  'mdm_app_versions',
  {
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    version: text('version').notNull(),
    versionCode: integer('version_code').notNull(),
    url: text('url').notNull(),
    sha256: text('sha256'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    minSdkVersion: integer('min_sdk_version'),
    releaseNotes: text('release_notes'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('mdm_app_versions_code_idx').on(t.appId, t.versionCode),
    index('mdm_app_versions_app_idx').on(t.appId, t.createdAt),
  ],
);
