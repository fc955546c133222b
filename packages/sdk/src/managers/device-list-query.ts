import { and, arrayContains, asc, desc, eq, gt, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { deviceGroups, deviceSearchVector, devices } from '../db/schema/index.js';
import type { DeviceFilter } from '../domain/device.js';
import { decodeCursor } from '../util/cursor.js';
import { timestampCursorValue, timestampFromCursor } from '../util/keyset.js';

/** Turns free text into a prefix tsquery: `pixel 7` → `pixel:* & 7:*`; null when no searchable token is left. */
export function toPrefixQuery(text: string): string | null {
  const tokens = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return tokens.length ? tokens.map((t) => `${t}:*`).join(' & ') : null;
}

/** WHERE conditions for a device filter; shared by list, counts and bulk targeting. */
export function deviceFilterConditions(
  filter: DeviceFilter,
  scope: { tenantId?: string | null },
  onlineWindowSeconds: number,
): SQL[] {
  const c: SQL[] = [];
  if (!filter.includeDeleted) c.push(isNull(devices.deletedAt));
  if (scope.tenantId) c.push(eq(devices.tenantId, scope.tenantId));
  if (filter.status?.length) c.push(inArray(devices.status, filter.status));
  if (filter.policyId === null) c.push(isNull(devices.policyId));
  else if (filter.policyId) c.push(eq(devices.policyId, filter.policyId));
  if (filter.groupId) {
    c.push(
      sql`exists (select 1 from ${deviceGroups} where ${deviceGroups.deviceId} = ${devices.id} and ${deviceGroups.groupId} = ${filter.groupId})`,
    );
  }
  if (filter.online !== undefined) {
    const window = filter.onlineWindowSeconds ?? onlineWindowSeconds;
    const since = sql`now() - make_interval(secs => ${window})`;
    c.push(
      filter.online
        ? (sql`${devices.lastSeenAt} >= ${since}` as SQL)
        : (or(isNull(devices.lastSeenAt), sql`${devices.lastSeenAt} < ${since}`) as SQL),
    );
  }
  if (filter.osVersion?.length) c.push(inArray(devices.osVersion, filter.osVersion));
  if (filter.model?.length) c.push(inArray(devices.model, filter.model));
  if (filter.tags?.length) c.push(arrayContains(devices.tags, filter.tags));
  if (filter.search) {
    const query = toPrefixQuery(filter.search);
    c.push(
      query
        ? (or(
            eq(devices.id, filter.search),
            sql`${deviceSearchVector(devices)} @@ to_tsquery('simple', ${query})`,
          ) as SQL)
        : eq(devices.id, filter.search),
    );
  }
  return c;
}

/** The sort expression per field: nullable columns are coalesced so keyset comparisons stay total. */
export function sortExpression(field: string): { expr: SQL; kind: 'date' | 'text' } {
  switch (field) {
    case 'lastSeenAt':
      return { expr: sql`coalesce(${devices.lastSeenAt}, 'epoch'::timestamptz)`, kind: 'date' };
    case 'name':
      return { expr: sql`coalesce(${devices.name}, '')`, kind: 'text' };
    case 'model':
      return { expr: sql`coalesce(${devices.model}, '')`, kind: 'text' };
    case 'osVersion':
      return { expr: sql`coalesce(${devices.osVersion}, '')`, kind: 'text' };
    case 'status':
      return { expr: sql`${devices.status}`, kind: 'text' };
    default:
      return { expr: sql`${devices.createdAt}`, kind: 'date' };
  }
}

export function keysetCondition(
  sort: { expr: SQL; kind: 'date' | 'text' },
  direction: 'asc' | 'desc',
  cursor: string,
): SQL {
  const { value, id } = decodeCursor(cursor);
  const v = sort.kind === 'date' ? timestampFromCursor(value) : sql`${String(value ?? '')}`;
  const cmp = direction === 'asc' ? gt : lt;
  return or(
    direction === 'asc' ? sql`${sort.expr} > ${v}` : sql`${sort.expr} < ${v}`,
    and(sql`${sort.expr} = ${v}`, cmp(devices.id, id)),
  ) as SQL;
}

/** The value a cursor carries for the sort: exact text for timestamps, the text itself otherwise. */
export function cursorValue(sort: { expr: SQL; kind: 'date' | 'text' }): SQL<string> {
  return sort.kind === 'date' ? timestampCursorValue(sort.expr) : (sort.expr as SQL<string>);
}

export function orderBy(sort: { expr: SQL }, direction: 'asc' | 'desc') {
  return direction === 'asc' ? [asc(sort.expr), asc(devices.id)] : [desc(sort.expr), desc(devices.id)];
}
