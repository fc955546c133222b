import { and, asc, eq, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import type { MDMExecutor } from '../db/adapter.js';
import { deviceGroups, devices, groups, policies } from '../db/schema/index.js';
import {
  type Group,
  type GroupCreateInput,
  type GroupUpdateInput,
  groupCreateSchema,
  groupUpdateSchema,
} from '../domain/group.js';
import { newId } from '../domain/ids.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { parseInput } from '../util/validate.js';
import type { TenantScope } from './policies.js';

function groupFromRow(row: typeof groups.$inferSelect): Group {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    description: row.description,
    parentId: row.parentId,
    policyId: row.policyId,
    priority: row.priority,
    metadata: row.metadata,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Device groups: nested, optionally carrying a policy that members inherit. */
export class GroupManager {
  constructor(private readonly ctx: MDMContext) {}

  async create(input: GroupCreateInput): Promise<Group> {
    const data = parseInput(groupCreateSchema, input, 'group');
    return this.ctx.transact(async (tx, events) => {
      if (data.parentId) await this.requireGroup(tx, data.parentId, { tenantId: data.tenantId ?? null });
      if (data.policyId) await this.requirePolicy(tx, data.policyId);
      const id = newId('grp');
      const [row] = await tx
        .insert(groups)
        .values({
          id,
          tenantId: data.tenantId ?? null,
          name: data.name,
          description: data.description ?? null,
          parentId: data.parentId ?? null,
          policyId: data.policyId ?? null,
          priority: data.priority ?? 0,
          metadata: data.metadata ?? {},
        })
        .returning();
      events.add({
        type: 'group.created',
        payload: { groupId: id, name: data.name },
        tenantId: data.tenantId ?? null,
      });
      return groupFromRow(row!);
    });
  }

  async get(id: string, scope: TenantScope = {}): Promise<Group> {
    return groupFromRow(await this.requireGroup(this.ctx.db, id, scope));
  }

  async list(scope: TenantScope = {}): Promise<Group[]> {
    const rows = await this.ctx.db
      .select()
      .from(groups)
      .where(scope.tenantId ? eq(groups.tenantId, scope.tenantId) : undefined)
      .orderBy(asc(groups.name), asc(groups.id))
      .limit(5000);
    return rows.map(groupFromRow);
  }

  async update(id: string, input: GroupUpdateInput, scope: TenantScope = {}): Promise<Group> {
    const data = parseInput(groupUpdateSchema, input, 'group update');
    return this.ctx.transact(async (tx, events) => {
      const current = await this.requireGroup(tx, id, scope);
      if (data.parentId) {
        await this.requireGroup(tx, data.parentId, scope);
        if (await this.isAncestorOrSelf(tx, id, data.parentId)) {
          throw new ValidationError('a group cannot be nested under itself or its descendants', [
            { path: ['parentId'], message: 'would create a cycle' },
          ]);
        }
      }
      if (data.policyId) await this.requirePolicy(tx, data.policyId);
      const changes = Object.keys(data).filter((k) => (data as Record<string, unknown>)[k] !== undefined);
      const [row] = await tx
        .update(groups)
        .set({
          name: data.name ?? current.name,
          description: data.description === undefined ? current.description : data.description,
          parentId: data.parentId === undefined ? current.parentId : data.parentId,
          policyId: data.policyId === undefined ? current.policyId : data.policyId,
          priority: data.priority ?? current.priority,
          metadata: data.metadata ?? current.metadata,
          updatedAt: sql`now()`,
        })
        .where(eq(groups.id, id))
        .returning();
      events.add({ type: 'group.updated', payload: { groupId: id, changes }, tenantId: current.tenantId });
      return groupFromRow(row!);
    });
  }

  /** Deletes an empty group without children. */
  async delete(id: string, scope: TenantScope = {}): Promise<void> {
    await this.ctx.transact(async (tx, events) => {
      const current = await this.requireGroup(tx, id, scope);
      const [children] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(groups)
        .where(eq(groups.parentId, id));
      const [members] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(deviceGroups)
        .where(eq(deviceGroups.groupId, id));
      if ((children?.n ?? 0) > 0 || (members?.n ?? 0) > 0) {
        throw new ConflictError(
          `group ${id} has ${children?.n ?? 0} child group(s) and ${members?.n ?? 0} device(s)`,
          {
            reason: 'GROUP_NOT_EMPTY',
            children: children?.n ?? 0,
            devices: members?.n ?? 0,
          },
        );
      }
      await tx.delete(groups).where(eq(groups.id, id));
      events.add({ type: 'group.deleted', payload: { groupId: id }, tenantId: current.tenantId });
    });
  }

  async members(id: string, scope: TenantScope = {}): Promise<string[]> {
    await this.get(id, scope);
    const rows = await this.ctx.db
      .select({ deviceId: deviceGroups.deviceId })
      .from(deviceGroups)
      .innerJoin(devices, eq(devices.id, deviceGroups.deviceId))
      .where(and(eq(deviceGroups.groupId, id), sql`${devices.deletedAt} is null`))
      .orderBy(asc(deviceGroups.deviceId))
      .limit(100_000);
    return rows.map((r) => r.deviceId);
  }

  async requireGroup(db: MDMExecutor, id: string, scope: TenantScope) {
    const [row] = await db
      .select()
      .from(groups)
      .where(and(eq(groups.id, id), scope.tenantId ? eq(groups.tenantId, scope.tenantId) : undefined));
    if (!row) throw new NotFoundError('group', id);
    return row;
  }

  private async requirePolicy(db: MDMExecutor, id: string) {
    const [row] = await db.select({ id: policies.id }).from(policies).where(eq(policies.id, id));
    if (!row) throw new NotFoundError('policy', id);
  }

  /** True when `candidate` is `groupId` or one of its descendants. */
  private async isAncestorOrSelf(db: MDMExecutor, groupId: string, candidate: string): Promise<boolean> {
    const result = await db.execute<{ hit: number }>(sql`
      with recursive up as (
        select id, parent_id, 0 as depth from mdm_groups where id = ${candidate}
        union all
        select g.id, g.parent_id, up.depth + 1 from mdm_groups g join up on g.id = up.parent_id where up.depth < 64
      )
      select 1 as hit from up where id = ${groupId} limit 1
    `);
    const rows = (result as unknown as { rows?: unknown[] }).rows ?? [];
    return rows.length > 0;
  }
}
