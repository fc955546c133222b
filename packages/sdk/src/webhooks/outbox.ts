import { sql } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import type { EventsStoredHook } from '../context.js';
import { webhookDeliveries } from '../db/schema/index.js';
import type { AnyMDMEvent } from '../domain/event.js';
import { newId } from '../domain/ids.js';
import { type DevicePair, isBusy, lockPairs, markBusy, pairsWithPending } from './device-order.js';
import type { EndpointRegistry } from './endpoint-registry.js';

/** The JSON body a receiver gets: Standard Webhooks' `{ type, timestamp, data }`. */
export function webhookBody(event: AnyMDMEvent): Record<string, unknown> {
  return {
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: {
      eventId: event.id,
      deviceId: event.deviceId,
      commandId: event.commandId,
      tenantId: event.tenantId,
      payload: event.payload,
    },
  };
}

const insertChunk = 500;

/**
 * The outbox writer: runs inside the transaction that stores events and adds one delivery row per matching
 * endpoint, so an event is delivered if and only if it committed. `wrote` is told which event batches
 * produced deliveries, to wake the workers once they committed.
 */
export function webhookOutboxHook(
  registry: EndpointRegistry,
  wrote: (events: readonly AnyMDMEvent[]) => void,
): EventsStoredHook {
  const hook: EventsStoredHook = async (tx, events) => {
    if (await registry.isEmpty(tx)) return;
    const rows: PgInsertValue<typeof webhookDeliveries>[] = [];
    const pairs: DevicePair[] = [];
    for (const event of events) {
      for (const endpoint of await registry.matching(tx, event.type, event.tenantId)) {
        const deviceId = event.deviceId;
        if (deviceId) pairs.push({ endpointId: endpoint.id, deviceId });
        rows.push({
          id: newId('whd'),
          endpointId: endpoint.id,
          eventId: BigInt(event.id),
          eventType: event.type,
          deviceId,
          payload: webhookBody(event),
          status: 'pending',
          nextAttemptAt: sql`now()`,
        });
      }
    }
    if (rows.length === 0) return;
    // Events arrive in id order: of each device's new rows, only the first may be a head, and only when the
    // device has no pending delivery to that endpoint yet.
    await lockPairs(tx, pairs);
    const busy = await pairsWithPending(tx, pairs);
    for (const row of rows) {
      if (!row.deviceId) continue;
      const pair = { endpointId: row.endpointId as string, deviceId: row.deviceId as string };
      if (isBusy(busy, pair)) row.nextAttemptAt = null;
      else markBusy(busy, pair);
    }
    for (let start = 0; start < rows.length; start += insertChunk) {
      await tx
        .insert(webhookDeliveries)
        .values(rows.slice(start, start + insertChunk))
        .onConflictDoNothing();
    }
    wrote(events);
  };
  // With no endpoint at all (known from the cache), there is no outbox row to write.
  hook.idle = () => registry.knownEmpty();
  return hook;
}
