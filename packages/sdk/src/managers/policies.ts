import { and, asc, count, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import type { MDMExecutor } from '../db/adapter.js';
import { devices, groups, policies, policyVersions } from '../db/schema/index.js';
import { newId } from '../domain/ids.js';
import {
  type EffectivePolicy,
  type Policy,
  type PolicyCreateInput,
  type PolicyUpdateInput,
  type PolicyVersion,
  policyCreateSchema,
  policyUpdateSchema,
} from '../domain/policy.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { stableHash } from '../util/stable-hash.js';
import { parseInput } from '../util/validate.js';
import { policyFromRow, policyVersionFromRow } from './policy-row.js';

export interface TenantScope {
  /** When set, only rows of this tenant are visible; ids of other tenants behave as not found. */
  tenantId?: string | null;
}

function tenantCondition(column: typeof policies.tenantId, scope: TenantScope) {
  return scope.tenantId ? eq(column, scope.tenantId) : undefined;
}

/**
 * Policies are declarative device state. Each settings change creates an immutable version; devices report
 * the version they applied on every heartbeat.
 */
export class PolicyManager {
  constructor(private readonly ctx: MDMContext) {}

  async create(input: PolicyCreateInput): Promise<Policy> {
    const data = parseInput(policyCreateSchema, input, 'policy');
    await this.ctx.validatePolicySettings({
      settings: data.settings,
      policyId: null,
      tenantId: data.tenantId ?? null,
    });
    const settingsHash = stableHash(data.settings);
    return this.ctx.transact(async (tx, events) => {
      const id = newId('pol');
      if (data.isDefault) await this.clearDefault(tx, data.tenantId ?? null);
      const [row] = await tx
        .insert(policies)
        .values({
          id,
          tenantId: data.tenantId ?? null,
          name: data.name,
          description: data.description ?? null,
          isDefault: data.isDefault ?? false,
          version: 1,
          settings: data.settings,
          settingsHash,
        })
        .returning();
      await tx.insert(policyVersions).values({
        policyId: id,
        version: 1,
        settings: data.settings,
        settingsHash,
        createdBy: data.createdBy ?? null,
      });
      events.add({
        type: 'policy.created',
        payload: { policyId: id, version: 1, name: data.name },
        tenantId: data.tenantId ?? null,
      });
      if (data.isDefault) {
        events.add({
          type: 'policy.defaultChanged',
          payload: { policyId: id },
          tenantId: data.tenantId ?? null,
        });
      }
      return policyFromRow(row!);
    });
  }

  async get(id: string, scope: TenantScope = {}): Promise<Policy> {
    const [row] = await this.ctx.db
      .select()
      .from(policies)
      .where(and(eq(policies.id, id), tenantCondition(policies.tenantId, scope)));
    if (!row) throw new NotFoundError('policy', id);
    return policyFromRow(row);
  }

  async list(scope: TenantScope = {}): Promise<Policy[]> {
    const rows = await this.ctx.db
      .select()
      .from(policies)
      .where(tenantCondition(policies.tenantId, scope))
      .orderBy(asc(policies.name), asc(policies.id))
      .limit(1000);
    return rows.map(policyFromRow);
  }

  /**
   * Updates name, description and/or settings. A new version is created only when the settings differ
   * from the current ones; the returned policy carries the (possibly unchanged) current version.
   */
  async update(id: string, input: PolicyUpdateInput, scope: TenantScope = {}): Promise<Policy> {
    const data = parseInput(policyUpdateSchema, input, 'policy update');
    return this.ctx.transact(async (tx, events) => {
      const current = await this.lockPolicy(tx, id, scope);
      if (data.settings) {
        await this.ctx.validatePolicySettings({
          settings: data.settings,
          policyId: id,
          tenantId: current.tenantId,
        });
      }
      const settingsHash = data.settings ? stableHash(data.settings) : current.settingsHash;
      const settingsChanged = settingsHash !== current.settingsHash;
      const version = settingsChanged ? current.version + 1 : current.version;
      const [row] = await tx
        .update(policies)
        .set({
          name: data.name ?? current.name,
          description: data.description === undefined ? current.description : data.description,
          ...(settingsChanged ? { settings: data.settings, settingsHash, version } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(policies.id, id))
        .returning();
      if (settingsChanged) {
        await tx.insert(policyVersions).values({
          policyId: id,
          version,
          settings: data.settings!,
          settingsHash,
          createdBy: data.updatedBy ?? null,
          note: data.note ?? null,
        });
      }
      events.add({
        type: 'policy.updated',
        payload: { policyId: id, version, previousVersion: current.version, settingsChanged },
        tenantId: current.tenantId,
      });
      return policyFromRow(row!);
    });
  }

  /** Deletes a policy; refused while devices or groups use it. */
  async delete(id: string, scope: TenantScope = {}): Promise<void> {
    await this.ctx.transact(async (tx, events) => {
      const current = await this.lockPolicy(tx, id, scope);
      const [deviceUse] = await tx
        .select({ n: count() })
        .from(devices)
        .where(and(eq(devices.policyId, id), isNull(devices.deletedAt)));
      const [groupUse] = await tx.select({ n: count() }).from(groups).where(eq(groups.policyId, id));
      const assigned = (deviceUse?.n ?? 0) + (groupUse?.n ?? 0);
      if (assigned > 0 || current.isDefault) {
        throw new ConflictError(
          current.isDefault
            ? `policy ${id} is the default policy; choose another default first`
            : `policy ${id} is assigned to ${deviceUse?.n ?? 0} device(s) and ${groupUse?.n ?? 0} group(s)`,
          {
            reason: current.isDefault ? 'POLICY_IS_DEFAULT' : 'POLICY_IN_USE',
            devices: deviceUse?.n ?? 0,
            groups: groupUse?.n ?? 0,
          },
        );
      }
      await tx.delete(policies).where(eq(policies.id, id));
      events.add({ type: 'policy.deleted', payload: { policyId: id }, tenantId: current.tenantId });
    });
  }

  async history(id: string, scope: TenantScope = {}): Promise<PolicyVersion[]> {
    await this.get(id, scope);
    const rows = await this.ctx.db
      .select()
      .from(policyVersions)
      .where(eq(policyVersions.policyId, id))
      .orderBy(desc(policyVersions.version));
    return rows.map(policyVersionFromRow);
  }

  async getVersion(id: string, version: number, scope: TenantScope = {}): Promise<PolicyVersion> {
    await this.get(id, scope);
    const [row] = await this.ctx.db
      .select()
      .from(policyVersions)
      .where(and(eq(policyVersions.policyId, id), eq(policyVersions.version, version)));
    if (!row) throw new NotFoundError('policy version', `${id}@${version}`);
    return policyVersionFromRow(row);
  }

  /** Restores the settings of an earlier version as a new version (history is never rewritten). */
  async rollback(
    id: string,
    toVersion: number,
    options: { by?: string } & TenantScope = {},
  ): Promise<Policy> {
    return this.ctx.transact(async (tx, events) => {
      const current = await this.lockPolicy(tx, id, options);
      const [target] = await tx
        .select()
        .from(policyVersions)
        .where(and(eq(policyVersions.policyId, id), eq(policyVersions.version, toVersion)));
      if (!target) throw new NotFoundError('policy version', `${id}@${toVersion}`);
      const version = current.version + 1;
      await tx.insert(policyVersions).values({
        policyId: id,
        version,
        settings: target.settings,
        settingsHash: target.settingsHash,
        createdBy: options.by ?? null,
        note: `rollback to version ${toVersion}`,
      });
      const [row] = await tx
        .update(policies)
        .set({ settings: target.settings, settingsHash: target.settingsHash, version, updatedAt: sql`now()` })
        .where(eq(policies.id, id))
        .returning();
      events.add({
        type: 'policy.rolledBack',
        payload: { policyId: id, version, fromVersion: toVersion },
        tenantId: current.tenantId,
      });
      return policyFromRow(row!);
    });
  }

  /** Makes `id` the fleet default (of its tenant), or clears the default with null. */
  async setDefault(id: string | null, scope: TenantScope = {}): Promise<void> {
    await this.ctx.transact(async (tx, events) => {
      const tenantId = id ? (await this.lockPolicy(tx, id, scope)).tenantId : (scope.tenantId ?? null);
      await this.clearDefault(tx, tenantId);
      if (id)
        await tx.update(policies).set({ isDefault: true, updatedAt: sql`now()` }).where(eq(policies.id, id));
      events.add({ type: 'policy.defaultChanged', payload: { policyId: id }, tenantId });
    });
  }

  async getDefault(scope: TenantScope = {}): Promise<Policy | null> {
    const [row] = await this.ctx.db
      .select()
      .from(policies)
      .where(
        and(
          eq(policies.isDefault, true),
          scope.tenantId ? eq(policies.tenantId, scope.tenantId) : isNull(policies.tenantId),
        ),
      );
    return row ? policyFromRow(row) : null;
  }

  /**
   * The policy a device must run, decided in one query:
   * 1. the policy assigned to the device itself;
   * 2. else the policy of its groups: each group the device is a member of supplies its own policy or,
   *    failing that, its nearest ancestor's; among those groups the lowest `priority` wins, then the
   *    group name, then the group id (so the choice never depends on insertion order);
   * 3. else the default policy of the device's tenant;
   * 4. else none.
   */
  async resolveForDevice(deviceId: string, db: MDMExecutor = this.ctx.db): Promise<EffectivePolicy> {
    const result = await db.execute(sql`
      with recursive ${effectivePolicyCtes(sql`select id, policy_id, tenant_id from mdm_devices where id = ${deviceId}`)}
      select source, policy_id, group_id from effective_policy
    `);
    const rows = (result as unknown as { rows?: unknown[] }).rows ?? (result as unknown as unknown[]);
    const hit = rows[0] as { source: string; policy_id: string; group_id: string | null } | undefined;
    if (!hit) return { policy: null, source: 'none', groupId: null };
    const [row] = await db.select().from(policies).where(eq(policies.id, hit.policy_id));
    if (!row) return { policy: null, source: 'none', groupId: null };
    return {
      policy: policyFromRow(row),
      source: hit.source as EffectivePolicy['source'],
      groupId: hit.group_id,
    };
  }

  private async lockPolicy(tx: MDMExecutor, id: string, scope: TenantScope) {
    const [row] = await tx
      .select()
      .from(policies)
      .where(and(eq(policies.id, id), tenantCondition(policies.tenantId, scope)))
      .for('update');
    if (!row) throw new NotFoundError('policy', id);
    return row;
  }

  private async clearDefault(tx: MDMExecutor, tenantId: string | null): Promise<void> {
    await tx
      .update(policies)
      .set({ isDefault: false, updatedAt: sql`now()` })
      .where(
        and(
          eq(policies.isDefault, true),
          tenantId ? eq(policies.tenantId, tenantId) : isNull(policies.tenantId),
        ),
      );
  }
}

/**
 * The policy resolution of `resolveForDevice` as SQL, for any set of devices at once: CTEs (to follow
 * `with recursive`) that end in `effective_policy(device_id, source, policy_id, group_id)`, one row per device
 * that has an effective policy. `devicesQuery` selects `id, policy_id, tenant_id` from `mdm_devices`. The
 * heartbeat folds this into its batch statement, so a policy change reaches devices without any cache.
 */
export function effectivePolicyCtes(devicesQuery: SQL): SQL {
  return sql`
    ep_dev as (${devicesQuery}),
    ep_chain as (
      select dg.device_id, g.id as member_id, g.name as member_name, g.priority, g.parent_id, g.policy_id, 0 as depth
        from mdm_device_groups dg join mdm_groups g on g.id = dg.group_id
        -- an id array, not a semi-join, so membership is read through the primary key, never a table scan
        where dg.device_id = any(array(select id from ep_dev))
      union all
      select c.device_id, c.member_id, c.member_name, c.priority, p.parent_id, p.policy_id, c.depth + 1
        from ep_chain c join mdm_groups p on p.id = c.parent_id
        where c.policy_id is null and c.depth < 32
    ),
    ep_candidates as (
      select id as device_id, 1 as rank, 'device' as source, policy_id, null::text as group_id, 0 as priority, '' as name
        from ep_dev where policy_id is not null
      union all
      select device_id, 2, 'group', policy_id, member_id, priority, member_name from ep_chain where policy_id is not null
      union all
      select d.id, 3, 'default', p.id, null, 0, '' from ep_dev d join mdm_policies p
        on p.is_default and coalesce(p.tenant_id, '') = coalesce(d.tenant_id, '')
    ),
    effective_policy as (
      select distinct on (device_id) device_id, source, policy_id, group_id from ep_candidates
        order by device_id, rank, priority, name, group_id
    )`;
}
