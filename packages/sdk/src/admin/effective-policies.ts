import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { MDMExecutor } from '../db/adapter.js';
import { devices } from '../db/schema/index.js';
import type { PolicySource } from '../domain/policy.js';

/**
 * How a device stands against the policy it must run:
 * - `compliant`: it reports the current version of its effective policy;
 * - `outdated`: it reports another policy or an older version;
 * - `unknown`: it has not reported any applied policy yet;
 * - `noPolicy`: nothing applies to it (no assignment, no group policy, no default).
 */
export const complianceStates = ['compliant', 'outdated', 'unknown', 'noPolicy'] as const;
export type ComplianceState = (typeof complianceStates)[number];

export interface DevicePolicyState {
  deviceId: string;
  policyId: string | null;
  policyName: string | null;
  /** Current version of the effective policy. */
  policyVersion: number | null;
  source: PolicySource;
  groupId: string | null;
  appliedPolicyId: string | null;
  appliedPolicyVersion: number | null;
  compliance: ComplianceState;
}

/**
 * The effective-policy resolution of `PolicyManager.resolveForDevice`, for every device matching `where` in one
 * query (the same order: the device's own policy, else its groups' by priority, name and id, each group
 * inheriting from its nearest ancestor, else the tenant default). A test keeps the two in agreement.
 */
export function devicePolicyStateQuery(where: SQL[]): SQL {
  return sql`
    with recursive dev as (
      select id, tenant_id, policy_id, applied_policy_id, applied_policy_version
        from mdm_devices where ${and(...where) ?? sql`true`}
    ),
    chain as (
      select dg.device_id, g.id as member_id, g.name as member_name, g.priority, g.parent_id, g.policy_id, 0 as depth
        from mdm_device_groups dg
        join dev on dev.id = dg.device_id
        join mdm_groups g on g.id = dg.group_id
      union all
      select c.device_id, c.member_id, c.member_name, c.priority, p.parent_id, p.policy_id, c.depth + 1
        from chain c join mdm_groups p on p.id = c.parent_id
        where c.policy_id is null and c.depth < 32
    ),
    group_pick as (
      select distinct on (device_id) device_id, policy_id, member_id
        from chain where policy_id is not null
        order by device_id, priority, member_name, member_id
    ),
    resolved as (
      select dev.*,
        case when dev.policy_id is not null then 'device'
             when gp.policy_id is not null then 'group'
             when dp.id is not null then 'default'
             else 'none' end as source,
        coalesce(dev.policy_id, gp.policy_id, dp.id) as effective_policy_id,
        case when dev.policy_id is null then gp.member_id end as group_id
      from dev
      left join group_pick gp on gp.device_id = dev.id
      left join mdm_policies dp on dp.is_default and coalesce(dp.tenant_id, '') = coalesce(dev.tenant_id, '')
    )
    select r.id as device_id,
      p.id as policy_id, p.name as policy_name, p.version as policy_version,
      case when p.id is null then 'none' else r.source end as source,
      case when p.id is null then null else r.group_id end as group_id,
      r.applied_policy_id, r.applied_policy_version,
      case when p.id is null then 'noPolicy'
           when r.applied_policy_version is null then 'unknown'
           when r.applied_policy_id = p.id and r.applied_policy_version = p.version then 'compliant'
           else 'outdated' end as compliance
    from resolved r left join mdm_policies p on p.id = r.effective_policy_id
  `;
}

interface StateRow {
  device_id: string;
  policy_id: string | null;
  policy_name: string | null;
  policy_version: number | null;
  source: PolicySource;
  group_id: string | null;
  applied_policy_id: string | null;
  applied_policy_version: number | null;
  compliance: ComplianceState;
}

/** Rows of a raw `execute`, whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}

export async function devicePolicyStates(db: MDMExecutor, where: SQL[]): Promise<DevicePolicyState[]> {
  const rows = rowsOf<StateRow>(await db.execute(devicePolicyStateQuery(where)));
  return rows.map((row) => ({
    deviceId: row.device_id,
    policyId: row.policy_id,
    policyName: row.policy_name,
    policyVersion: row.policy_version === null ? null : Number(row.policy_version),
    source: row.source,
    groupId: row.group_id,
    appliedPolicyId: row.applied_policy_id,
    appliedPolicyVersion: row.applied_policy_version === null ? null : Number(row.applied_policy_version),
    compliance: row.compliance,
  }));
}

/** The policy state of one device (null when there is no such device). */
export async function devicePolicyStateOf(
  db: MDMExecutor,
  deviceId: string,
): Promise<DevicePolicyState | null> {
  const [state] = await devicePolicyStates(db, [eq(devices.id, deviceId)]);
  return state ?? null;
}
