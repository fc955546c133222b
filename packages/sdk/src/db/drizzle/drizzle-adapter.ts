import type { PGlite } from '@electric-sql/pglite';
import type { Pool } from 'pg';
import { MDMError } from '../../errors.js';
import type { DatabaseAdapter } from '../adapter.js';
import { nodePostgresAdapter } from './node-postgres.js';
import { pgliteClientAdapter } from './pglite.js';

/**
 * Wraps a Drizzle database the host already has (`drizzle(pool)` from `drizzle-orm/node-postgres`, or
 * `drizzle(pglite)` from `drizzle-orm/pglite`). The SDK reuses its client; the host keeps owning it.
 */
export function drizzleAdapter(db: { $client: unknown }): DatabaseAdapter {
  const client = db.$client as { constructor?: { name?: string } } | undefined;
  if (client && typeof (client as PGlite).listen === 'function' && 'waitReady' in (client as object)) {
    return pgliteClientAdapter(client as PGlite);
  }
  if (
    client &&
    typeof (client as Pool).connect === 'function' &&
    typeof (client as Pool).query === 'function'
  ) {
    if (!('totalCount' in (client as object))) {
      throw new MDMError(
        'UNSUPPORTED_DATABASE',
        'drizzleAdapter needs a node-postgres Pool (not a single Client), so the SDK can run transactions concurrently',
      );
    }
    return nodePostgresAdapter(client as Pool);
  }
  throw new MDMError(
    'UNSUPPORTED_DATABASE',
    `drizzleAdapter supports drizzle-orm/node-postgres (Pool) and drizzle-orm/pglite databases; got ${client?.constructor?.name ?? typeof client}`,
  );
}
