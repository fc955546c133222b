import { type SQL, sql } from 'drizzle-orm';

/**
 * Timestamps in Postgres carry microseconds; a JavaScript Date keeps milliseconds. Keyset cursors over
 * timestamps therefore carry the exact UTC text, produced and parsed by the database.
 */
export function timestampCursorValue(expr: SQL | SQL.Aliased | unknown): SQL<string> {
  return sql<string>`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
}

export function timestampFromCursor(value: string | number | null): SQL {
  return sql`(${String(value ?? '1970-01-01T00:00:00')}::timestamp at time zone 'UTC')`;
}
