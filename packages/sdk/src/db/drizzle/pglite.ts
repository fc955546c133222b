import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { drizzle, type PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { DatabaseAdapter, MDMDatabase, MDMTransaction } from '../adapter.js';
import * as schema from '../schema/index.js';
import { driverClient } from './driver-client.js';
import { migrationsFolder, migrationsSchema, migrationsTable } from './migrations-folder.js';

export function pgliteClientAdapter(client: PGlite, options: { ownsClient?: boolean } = {}): DatabaseAdapter {
  const db = drizzle(client, { schema }) as PgliteDatabase<typeof schema>;
  return {
    driver: 'pglite',
    db: db as unknown as MDMDatabase,
    transaction: (fn) => db.transaction((tx) => fn(tx as unknown as MDMTransaction)),
    async query(executor, statement) {
      const target = executor === db ? client : driverClient<Pick<PGlite, 'query'>>(executor);
      const result = await target.query(statement.text, statement.values);
      return result.rows as never[];
    },
    async migrate() {
      await migrate(db, { migrationsFolder, migrationsTable, migrationsSchema });
    },
    async listen(channel, onPayload) {
      const unsubscribe = await client.listen(channel, onPayload);
      return async () => {
        await unsubscribe();
      };
    },
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      if (options.ownsClient && !client.closed) await client.close();
    },
  };
}

/**
 * The zero-setup database: an embedded Postgres (PGlite), in memory by default or persisted in `dataDir`.
 */
export function pgliteAdapter(options: { dataDir?: string } & PGliteOptions = {}): DatabaseAdapter {
  // PGlite queues queries until its WASM instance is ready, so the adapter is usable at once.
  return pgliteClientAdapter(new PGlite(options), { ownsClient: true });
}
