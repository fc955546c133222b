import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { PGlite } from '@electric-sql/pglite';
import type { DatabaseAdapter } from '../db/adapter.js';
import { postgresAdapter } from '../db/drizzle/node-postgres.js';
import { pgliteClientAdapter } from '../db/drizzle/pglite.js';

export type TestDriver = 'postgres' | 'pglite';

/** The server used by tests; CI and developer machines run Postgres on 127.0.0.1:5432 with trust auth. */
export const testPostgresUrl =
  process.env.OPENMDM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  driver: TestDriver;
  adapter: DatabaseAdapter;
  /** Connection string of the throwaway database (postgres only). */
  url: string | null;
  /** Closes the adapter and drops the throwaway database. */
  drop(): Promise<void>;
}

let pgliteImage: Promise<Blob> | null = null;

/**
 * PGlite's first start (WASM compile + initdb) takes seconds; a migrated data directory is built once per
 * process and every test database starts from a copy of it.
 */
function migratedPgliteImage(): Promise<Blob> {
  pgliteImage ??= (async () => {
    const seed = new PGlite();
    await pgliteClientAdapter(seed).migrate();
    const image = await seed.dumpDataDir('none');
    await seed.close();
    return image;
  })();
  return pgliteImage;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A fresh, empty database per call: on Postgres a new database with a random name (so parallel test files
 * never share state), on PGlite a new in-memory instance. Migrations are not applied.
 */
export async function createTestDatabase(driver: TestDriver): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const adapter = pgliteClientAdapter(new PGlite({ loadDataDir: await migratedPgliteImage() }), {
      ownsClient: true,
    });
    return { driver, adapter, url: null, drop: () => adapter.close() };
  }
  const pg = createRequire(import.meta.url)('pg') as typeof import('pg');
  const name = `openmdm_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(testPostgresUrl, name);
  const adapter = postgresAdapter({ connectionString: url, max: 10 });
  return {
    driver,
    adapter,
    url,
    async drop() {
      await adapter.close();
      const client = new pg.Client({ connectionString: testPostgresUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
