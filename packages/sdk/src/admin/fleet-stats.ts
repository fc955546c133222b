import { type SQL, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import { devices } from '../db/schema/index.js';
import { type DeviceFilter, type DeviceStatus, deviceStatuses } from '../domain/device.js';
import { deviceFilterConditions } from '../managers/device-list-query.js';
import type { TenantScope } from '../managers/policies.js';
import {
  type ComplianceState,
  complianceStates,
  devicePolicyStateQuery,
  rowsOf,
} from './effective-policies.js';

export interface FleetStats {
  total: number;
  byStatus: Record<DeviceStatus, number>;
  online: number;
  offline: number;
  onlineWindowSeconds: number;
  /** Most common OS versions first (at most 50; null: not reported). */
  byOsVersion: { osVersion: string | null; count: number }[];
  compliance: Record<ComplianceState, number>;
}

/** Counts over the devices of a scope (deleted devices excluded), optionally narrowed by a device filter. */
export async function fleetStats(
  ctx: MDMContext,
  scope: TenantScope = {},
  filter: DeviceFilter = {},
): Promise<FleetStats> {
  const window = filter.onlineWindowSeconds ?? ctx.settings.onlineWindowSeconds;
  const where: SQL[] = deviceFilterConditions(filter, scope, window);
  const condition = where.length ? sql.join(where, sql` and `) : sql`true`;
  const grouped = rowsOf<{ status: string; os_version: string | null; online: boolean; n: number }>(
    await ctx.db.execute(sql`
      select ${devices.status} as status, ${devices.osVersion} as os_version,
        coalesce(${devices.lastSeenAt} >= now() - make_interval(secs => ${window}), false) as online,
        count(*)::int as n
      from ${devices} where ${condition}
      group by 1, 2, 3
    `),
  );
  const byStatus = Object.fromEntries(deviceStatuses.map((s) => [s, 0])) as Record<DeviceStatus, number>;
  const byOs = new Map<string | null, number>();
  let total = 0;
  let online = 0;
  for (const row of grouped) {
    const n = Number(row.n);
    total += n;
    if (row.status in byStatus) byStatus[row.status as DeviceStatus] += n;
    if (row.online) online += n;
    byOs.set(row.os_version, (byOs.get(row.os_version) ?? 0) + n);
  }
  const compliance = Object.fromEntries(complianceStates.map((s) => [s, 0])) as Record<
    ComplianceState,
    number
  >;
  const states = rowsOf<{ compliance: ComplianceState; n: number }>(
    await ctx.db.execute(
      sql`select compliance, count(*)::int as n from (${devicePolicyStateQuery(where)}) s group by 1`,
    ),
  );
  for (const row of states) compliance[row.compliance] = Number(row.n);
  return {
    total,
    byStatus,
    online,
    offline: total - online,
    onlineWindowSeconds: window,
    byOsVersion: [...byOs.entries()]
      .map(([osVersion, count]) => ({ osVersion, count }))
      .sort((a, b) => b.count - a.count || String(a.osVersion).localeCompare(String(b.osVersion)))
      .slice(0, 50),
    compliance,
  };
}
