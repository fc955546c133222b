import { and, eq, inArray, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { MDMExecutor } from '../db/adapter.js';
import { webhookDeliveries } from '../db/schema/index.js';

/*
 * In-order delivery per device and endpoint. Of a device's pending deliveries to one endpoint, only the head
 * (lowest event id) has a `next_attempt_at`; the others wait with NULL, so the worker's claim only ever sees
 * heads and stays cheap whatever the backlog. Settling a head promotes the next one. The outbox writer and
 * the settling worker take the same transaction-scoped advisory lock per (endpoint, device), so a row
 * written while its predecessor settles is never left waiting without a head.
 */

const d = webhookDeliveries;
const other = alias(webhookDeliveries, 'other');

export interface DevicePair {
  endpointId: string;
  deviceId: string;
}

const pairKey = (pair: DevicePair) => `${pair.endpointId} ${pair.deviceId}`;

/** Locks the pairs (in one consistent order, so two writers cannot deadlock) until the transaction ends. */
export async function lockPairs(tx: MDMExecutor, pairs: readonly DevicePair[]): Promise<void> {
  const keys = [...new Set(pairs.map(pairKey))];
  if (keys.length === 0) return;
  const list = sql.join(
    keys.map((k) => sql`${k}`),
    sql`, `,
  );
  // `offset 0` keeps the sort inside the subquery, so the locks are taken in hash order.
  await tx.execute(
    sql`select pg_advisory_xact_lock(h) from (select hashtextextended(k, 7270) as h from unnest(array[${list}]::text[]) as k order by 1 offset 0) as ordered`,
  );
}

/** Of the given pairs, those that already have a pending delivery (new rows for them must wait). */
export async function pairsWithPending(tx: MDMExecutor, pairs: readonly DevicePair[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const tuples = sql.join(
    pairs.map((p) => sql`(${p.endpointId}, ${p.deviceId})`),
    sql`, `,
  );
  const rows = await tx
    .selectDistinct({ endpointId: d.endpointId, deviceId: d.deviceId })
    .from(d)
    .where(and(eq(d.status, 'pending'), sql`(${d.endpointId}, ${d.deviceId}) in (${tuples})`));
  return new Set(rows.map((r) => pairKey({ endpointId: r.endpointId, deviceId: r.deviceId! })));
}

export function isBusy(busy: Set<string>, pair: DevicePair): boolean {
  return busy.has(pairKey(pair));
}

export function markBusy(busy: Set<string>, pair: DevicePair): void {
  busy.add(pairKey(pair));
}

/** Makes the lowest waiting delivery of a pair its head, unless the pair still has one. */
export async function promoteNext(tx: MDMExecutor, pair: DevicePair): Promise<void> {
  const samePair = (t: typeof d | typeof other): SQL =>
    and(eq(t.endpointId, pair.endpointId), eq(t.deviceId, pair.deviceId), eq(t.status, 'pending')) as SQL;
  const next = tx.select({ id: d.id }).from(d).where(samePair(d)).orderBy(d.eventId).limit(1);
  const activeHead = tx
    .select({ one: sql`1` })
    .from(other)
    .where(and(samePair(other), isNotNull(other.nextAttemptAt)));
  await tx
    .update(d)
    .set({ nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(inArray(d.id, next), isNull(d.nextAttemptAt), sql`not exists (${activeHead})`));
}

/** True when the pair has a head other than `exceptId` (a pending delivery that is due or in flight). */
export async function hasActiveHead(tx: MDMExecutor, pair: DevicePair, exceptId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: d.id })
    .from(d)
    .where(
      and(
        eq(d.endpointId, pair.endpointId),
        eq(d.deviceId, pair.deviceId),
        eq(d.status, 'pending'),
        isNotNull(d.nextAttemptAt),
        sql`${d.id} <> ${exceptId}`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}
