import { and, asc, eq, like, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DatabaseAdapter, MDMExecutor } from '../db/adapter.js';
import { pluginState } from '../db/schema/index.js';
import { MDMError } from '../errors.js';
import { parseInput } from '../util/validate.js';

const keySchema = z.string().min(1).max(512);

export interface PluginStoreEntry<T = unknown> {
  key: string;
  value: T;
  updatedAt: Date;
}

/**
 * A plugin's namespaced key-value store on `mdm_plugin_state`. Values are JSON; state written here survives
 * restarts and is shared by every instance on the database.
 */
export interface PluginStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set<T = unknown>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Entries whose key starts with `prefix`, by key. */
  list<T = unknown>(prefix?: string, limit?: number): Promise<PluginStoreEntry<T>[]>;
  /**
   * Reads, changes and writes one key atomically (the row is locked meanwhile), so concurrent updates from
   * several instances never lose a write. Returning `undefined` deletes the key.
   */
  update<T = unknown>(key: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined>;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createPluginStore(database: DatabaseAdapter, plugin: string): PluginStore {
  const where = (key: string) => and(eq(pluginState.plugin, plugin), eq(pluginState.key, key));
  const checkKey = (key: string) => parseInput(keySchema, key, `${plugin} store key`);

  async function write(db: MDMExecutor, key: string, value: unknown): Promise<void> {
    if (value === undefined)
      throw new MDMError('VALIDATION_ERROR', `${plugin} store: undefined is not a value`);
    await db
      .insert(pluginState)
      .values({ plugin, key, value })
      .onConflictDoUpdate({
        target: [pluginState.plugin, pluginState.key],
        set: { value, updatedAt: sql`now()` },
      });
  }

  return {
    async get<T>(key: string) {
      const [row] = await database.db
        .select({ value: pluginState.value })
        .from(pluginState)
        .where(where(checkKey(key)));
      return row ? (row.value as T) : undefined;
    },
    async set(key, value) {
      await write(database.db, checkKey(key), value);
    },
    async delete(key) {
      const rows = await database.db
        .delete(pluginState)
        .where(where(checkKey(key)))
        .returning({ key: pluginState.key });
      return rows.length > 0;
    },
    async list<T>(prefix = '', limit = 1000) {
      const rows = await database.db
        .select()
        .from(pluginState)
        .where(
          and(
            eq(pluginState.plugin, plugin),
            prefix ? like(pluginState.key, `${escapeLike(prefix)}%`) : undefined,
          ),
        )
        .orderBy(asc(pluginState.key))
        .limit(Math.min(Math.max(limit, 1), 10_000));
      return rows.map((row) => ({ key: row.key, value: row.value as T, updatedAt: row.updatedAt }));
    },
    async update<T>(key: string, fn: (current: T | undefined) => T | undefined) {
      checkKey(key);
      return database.transaction(async (tx) => {
        // Lock the row, creating it first when missing so that two first writers also serialise.
        await tx.insert(pluginState).values({ plugin, key, value: sql`'null'::jsonb` }).onConflictDoNothing();
        const [row] = await tx
          .select({ value: pluginState.value, updatedAt: pluginState.updatedAt })
          .from(pluginState)
          .where(where(key))
          .for('update');
        const current = row && row.value !== null ? (row.value as T) : undefined;
        const next = fn(current);
        if (next === undefined) await tx.delete(pluginState).where(where(key));
        else await write(tx, key, next);
        return next;
      });
    },
  };
}
