import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { MDMExecutor } from '../db/adapter.js';
import { devices } from '../db/schema/index.js';
import type { PolicySource } from '../domain/policy.js';
import { effectivePolicyCtes } from '../managers/policies.js';

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
 * The effective-policy resolution of `PolicyManager.resolveForDevice` (the same CTEs), for every device
 * matching `where` in one query, with each device's compliance against it.
 */
export function devicePolicyStateQuery(where: SQL[]): SQL {
  return sql`
    with recursive ${effectivePolicyCtes(sql`
      select id, tenant_id, policy_id, applied_policy_id, applied_policy_version
        from mdm_devices where ${and(...where) ?? sql`true`}`)}
    select d.id as device_id,
      p.id as policy_id, p.name as policy_name, p.version as policy_version,
      case when p.id is null then 'none' else e.source end as source,
      case when p.id is null then null else e.group_id end as group_id,
      d.applied_policy_id, d.applied_policy_version,
      case when p.id is null then 'noPolicy'
           when d.applied_policy_version is null then 'unknown'
           when d.applied_policy_id = p.id and d.applied_policy_version = p.version then 'compliant'
           else 'outdated' end as compliance
    from ep_dev d
    left join effective_policy e on e.device_id = d.id
    left join mdm_policies p on p.id = e.policy_id
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
