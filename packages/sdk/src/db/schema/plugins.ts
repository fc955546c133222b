import { jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns.js';

/** A namespaced key-value store for plugins that need state without tables of their own. */
export const pluginState = pgTable(
  'mdm_plugin_state',
  {
    plugin: text('plugin').notNull(),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.plugin, t.key] })],
);
