import { createRequire } from 'node:module';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { DatabaseAdapter, MDMDatabase, MDMTransaction } from '../adapter.js';
import * as schema from '../schema/index.js';
import { driverClient } from './driver-client.js';
import { migrationsFolder, migrationsSchema, migrationsTable } from './migrations-folder.js';

// A fixed key for pg_advisory_lock, so concurrent instances run the migrations one at a time.
const MIGRATION_LOCK_KEY = 727_160_001;

export function nodePostgresAdapter(pool: Pool, options: { ownsPool?: boolean } = {}): DatabaseAdapter {
  const db = drizzle(pool, { schema }) as NodePgDatabase<typeof schema>;
  let listenClient: Promise<PoolClient> | null = null;
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let closed = false;

  function getListenClient(): Promise<PoolClient> {
    if (!listenClient) {
      listenClient = pool.connect().then((client) => {
        client.on('notification', (msg) => {
          for (const fn of listeners.get(msg.channel) ?? []) fn(msg.payload ?? '');
        });
        return client;
      });
    }
    return listenClient;
  }

  return {
    driver: 'node-postgres',
    db: db as unknown as MDMDatabase,
    transaction: (fn) => db.transaction((tx) => fn(tx as unknown as MDMTransaction)),
    async query(executor, statement) {
      // Inside a transaction, drizzle's session holds the checked-out PoolClient; outside, use the pool.
      const client = executor === db ? pool : driverClient<PoolClient>(executor);
      const result = await client.query(
        statement.name
          ? { name: statement.name, text: statement.text, values: statement.values }
          : { text: statement.text, values: statement.values },
      );
      return result.rows;
    },
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migrate(drizzle(client, { schema }), { migrationsFolder, migrationsTable, migrationsSchema });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
        client.release();
      }
    },
    async listen(channel, onPayload) {
      const client = await getListenClient();
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await client.query(`listen ${quoteIdent(channel)}`);
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
        if (set.size === 0 && listeners.get(channel) === set) {
          listeners.delete(channel);
          await client.query(`unlisten ${quoteIdent(channel)}`).catch(() => {});
        }
      };
    },
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (listenClient) {
        const client = await listenClient.catch(() => null);
        client?.release();
        listenClient = null;
      }
      if (options.ownsPool) await pool.end();
    },
  };
}

/** Opens a node-postgres pool for `connection` and wraps it; the adapter closes the pool on `close()`. */
export function postgresAdapter(connection: string | PoolConfig): DatabaseAdapter {
  // pg is an optional peer dependency: loaded only by hosts that use it.
  const pg = createRequire(import.meta.url)('pg') as typeof import('pg');
  const config: PoolConfig = typeof connection === 'string' ? { connectionString: connection } : connection;
  const pool = new pg.Pool({ max: 10, ...config });
  // An idle client that loses its connection (server restart, forced disconnect) is replaced by the pool;
  // without a listener its error would crash the process.
  pool.on('error', () => {});
  return nodePostgresAdapter(pool, { ownsPool: true });
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
