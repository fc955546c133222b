import { sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import type { Policy } from '../domain/policy.js';
import { deviceFilterConditions } from '../managers/device-list-query.js';
import type { TenantScope } from '../managers/policies.js';
import { devicePolicyStateQuery, rowsOf } from './effective-policies.js';

export interface PolicyRollout {
  policyId: string;
  currentVersion: number;
  /** Devices whose effective policy is this one. */
  targeted: number;
  /** Of those, the ones that report its current version. */
  upToDate: number;
  /** How many targeted devices report each version, newest first; `null`: not reporting this policy yet. */
  versions: { version: number | null; devices: number }[];
}

/** Rollout progress of a policy over the devices (of the scope) that must run it. */
export async function policyRollout(
  ctx: MDMContext,
  policy: Policy,
  scope: TenantScope = {},
): Promise<PolicyRollout> {
  const where = deviceFilterConditions({}, scope, ctx.settings.onlineWindowSeconds);
  const rows = rowsOf<{ version: number | null; n: number }>(
    await ctx.db.execute(sql`
      select case when s.applied_policy_id = ${policy.id} then s.applied_policy_version end as version,
        count(*)::int as n
      from (${devicePolicyStateQuery(where)}) s
      where s.policy_id = ${policy.id}
      group by 1
      order by 1 desc nulls last
    `),
  );
  const versions = rows.map((row) => ({
    version: row.version === null ? null : Number(row.version),
    devices: Number(row.n),
  }));
  return {
    policyId: policy.id,
    currentVersion: policy.version,
    targeted: versions.reduce((sum, v) => sum + v.devices, 0),
    upToDate: versions.find((v) => v.version === policy.version)?.devices ?? 0,
    versions,
  };
}
