import { and, asc, desc, eq, gt, inArray, lt, type SQL } from 'drizzle-orm';
import type { MDMExecutor } from '../db/adapter.js';
import { events } from '../db/schema/index.js';
import type { AnyMDMEvent, MDMEventName, NewEvent } from '../domain/event.js';

type EventRow = typeof events.$inferSelect;

export function eventFromRow(row: EventRow): AnyMDMEvent {
  return {
    id: row.id.toString(),
    type: row.type as MDMEventName,
    tenantId: row.tenantId,
    deviceId: row.deviceId,
    commandId: row.commandId,
    payload: row.payload,
    createdAt: row.createdAt,
  } as AnyMDMEvent;
}

/** Appends events in one multi-row INSERT and returns them with their ids, in order. */
export async function insertEvents(tx: MDMExecutor, pending: NewEvent[]): Promise<AnyMDMEvent[]> {
  if (pending.length === 0) return [];
  const rows = await tx
    .insert(events)
    .values(
      pending.map((e) => ({
        type: e.type,
        payload: e.payload,
        tenantId: e.tenantId ?? null,
        deviceId: e.deviceId ?? null,
        commandId: e.commandId ?? null,
      })),
    )
    .returning();
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(eventFromRow);
}

export interface EventQuery {
  /** Only events with an id greater than this one (resume point). */
  afterId?: string;
  /** Only events with an id lower than this one (for newest-first paging). */
  beforeId?: string;
  deviceId?: string;
  commandId?: string;
  types?: string[];
  tenantId?: string | null;
  order?: 'asc' | 'desc';
  limit?: number;
}

export async function queryEvents(db: MDMExecutor, query: EventQuery): Promise<AnyMDMEvent[]> {
  const conditions: SQL[] = [];
  if (query.afterId) conditions.push(gt(events.id, BigInt(query.afterId)));
  if (query.beforeId) conditions.push(lt(events.id, BigInt(query.beforeId)));
  if (query.deviceId) conditions.push(eq(events.deviceId, query.deviceId));
  if (query.commandId) conditions.push(eq(events.commandId, query.commandId));
  if (query.types && query.types.length > 0) conditions.push(inArray(events.type, query.types));
  if (query.tenantId !== undefined && query.tenantId !== null)
    conditions.push(eq(events.tenantId, query.tenantId));
  const rows = await db
    .select()
    .from(events)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(query.order === 'desc' ? desc(events.id) : asc(events.id))
    .limit(Math.min(query.limit ?? 100, 1000));
  return rows.map(eventFromRow);
}
