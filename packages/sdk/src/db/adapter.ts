import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type * as schema from './schema/index.js';

export type MDMSchema = typeof schema;
/** Any Drizzle pg-core database: node-postgres, PGlite, postgres.js … all share this shape. */
export type MDMDatabase = PgDatabase<PgQueryResultHKT, MDMSchema>;
export type MDMTransaction = PgTransaction<
  PgQueryResultHKT,
  MDMSchema,
  ExtractTablesWithRelations<MDMSchema>
>;
/** Either the database or an open transaction: what every query helper accepts. */
export type MDMExecutor = MDMDatabase | MDMTransaction;

export interface PreparedStatement {
  name?: string;
  text: string;
  values: unknown[];
}

/**
 * What the SDK needs from a database. The managers speak Drizzle's pg-core query builder, so one adapter
 * works for every Postgres driver Drizzle supports; the adapter adds what differs between drivers:
 * migrations, LISTEN/NOTIFY and shutdown.
 */
export interface DatabaseAdapter {
  /** Driver name, for logs: `node-postgres`, `pglite`, … */
  readonly driver: string;
  readonly db: MDMDatabase;
  transaction<T>(fn: (tx: MDMTransaction) => Promise<T>): Promise<T>;
  /**
   * Runs one hot statement, already compiled to text, on `executor` (the database or an open transaction).
   * With a `name`, drivers that can (node-postgres) prepare it once per connection and reuse its plan.
   */
  query<R = Record<string, unknown>>(executor: MDMExecutor, statement: PreparedStatement): Promise<R[]>;
  /** Applies the committed SQL migrations; safe to call on every start and from several instances. */
  migrate(): Promise<void>;
  /** Subscribes to a Postgres NOTIFY channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Closes connections the adapter opened itself (a pool or PGlite it was given is left to its owner). */
  close(): Promise<void>;
}
