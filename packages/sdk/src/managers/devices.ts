import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { EventSink, MDMContext } from '../context.js';
import type { MDMExecutor } from '../db/adapter.js';
import { deviceGroups, devices, groups, policies } from '../db/schema/index.js';
import type { Command, CommandInput } from '../domain/command.js';
import type { CommandPayloads } from '../domain/command-payloads.js';
import { idSchema, metadataSchema, type Page, tagSchema } from '../domain/common.js';
import {
  type Device,
  type DeviceListQuery,
  type DeviceStatus,
  type DeviceUpdate,
  deviceListQuerySchema,
  deviceTransitions,
  deviceUpdateSchema,
  statusesAllowing,
} from '../domain/device.js';
import { newId } from '../domain/ids.js';
import type { EffectivePolicy } from '../domain/policy.js';
import { InvalidTransitionError, NotFoundError } from '../errors.js';
import { revokeDeviceTokens } from '../protocol/refresh-tokens.js';
import { encodeCursor } from '../util/cursor.js';
import { parseInput } from '../util/validate.js';
import type { CommandManager } from './commands.js';
import {
  cursorValue,
  deviceFilterConditions,
  keysetCondition,
  orderBy,
  sortExpression,
} from './device-list-query.js';
import { type DeviceRow, deviceColumns, deviceFromRow } from './device-row.js';
import type { PolicyManager, TenantScope } from './policies.js';

export const deviceCreateSchema = z.strictObject({
  androidId: z.string().max(128).nullable().optional(),
  serialNumber: z.string().max(128).nullable().optional(),
  imei: z.string().max(64).nullable().optional(),
  macAddress: z.string().max(64).nullable().optional(),
  enrollmentId: z.string().max(128).nullable().optional(),
  name: z.string().max(200).nullable().optional(),
  model: z.string().max(128).nullable().optional(),
  manufacturer: z.string().max(128).nullable().optional(),
  osVersion: z.string().max(32).nullable().optional(),
  sdkVersion: z.number().int().min(1).max(1000).nullable().optional(),
  agentVersion: z.string().max(64).nullable().optional(),
  agentPackage: z.string().max(256).nullable().optional(),
  status: z.enum(['pending', 'enrolled']).default('enrolled'),
  policyId: idSchema.nullable().optional(),
  tags: z.array(tagSchema).max(50).optional(),
  metadata: metadataSchema.optional(),
  tenantId: z.string().max(64).nullable().optional(),
});
export type DeviceCreateInput = z.input<typeof deviceCreateSchema>;

const blockReasonSchema = z.string().max(500).nullable().optional();

export class DeviceManager {
  constructor(
    private readonly ctx: MDMContext,
    private readonly policies: PolicyManager,
    private readonly commands: CommandManager,
  ) {}

  /** Registers a device directly (enrolment through the agent protocol creates devices too). */
  async create(input: DeviceCreateInput): Promise<Device> {
    const data = parseInput(deviceCreateSchema, input, 'device');
    return this.ctx.transact(async (tx, events) => {
      if (data.policyId) await this.requirePolicy(tx, data.policyId);
      const id = newId('dev');
      const [row] = await tx
        .insert(devices)
        .values({
          id,
          tenantId: data.tenantId ?? null,
          androidId: data.androidId ?? null,
          serialNumber: data.serialNumber ?? null,
          imei: data.imei ?? null,
          macAddress: data.macAddress ?? null,
          enrollmentId: data.enrollmentId ?? null,
          name: data.name ?? null,
          model: data.model ?? null,
          manufacturer: data.manufacturer ?? null,
          osVersion: data.osVersion ?? null,
          sdkVersion: data.sdkVersion ?? null,
          agentVersion: data.agentVersion ?? null,
          agentPackage: data.agentPackage ?? null,
          status: data.status,
          policyId: data.policyId ?? null,
          tags: data.tags ?? [],
          metadata: data.metadata ?? {},
          enrolledAt: data.status === 'enrolled' ? sql`now()` : null,
        })
        .returning(deviceColumns);
      events.add({
        type: 'device.enrolled',
        payload: { deviceId: id, reenrolled: false, method: 'admin', status: data.status },
        deviceId: id,
        tenantId: data.tenantId ?? null,
      });
      return deviceFromRow(row!, []);
    });
  }

  async get(id: string, scope: TenantScope = {}): Promise<Device> {
    const device = await this.find(id, scope);
    if (!device) throw new NotFoundError('device', id);
    return device;
  }

  /** Like `get`, but null for an unknown or deleted device. */
  async find(id: string, scope: TenantScope = {}): Promise<Device | null> {
    const row = await this.findRow(this.ctx.db, id, scope);
    if (!row) return null;
    return deviceFromRow(row, await this.groupIdsOf(this.ctx.db, [id]).then((m) => m.get(id) ?? []));
  }

  async list(query: DeviceListQuery = {}, scope: TenantScope = {}): Promise<Page<Device>> {
    const q = parseInput(deviceListQuerySchema, query, 'device list');
    const direction = q.sort?.direction ?? 'desc';
    const sort = sortExpression(q.sort?.field ?? 'createdAt');
    const conditions = deviceFilterConditions(q, scope, this.ctx.settings.onlineWindowSeconds);
    if (q.cursor) conditions.push(keysetCondition(sort, direction, q.cursor));
    const rows = await this.ctx.db
      .select({ ...deviceColumns, sortValue: cursorValue(sort).mapWith(String) })
      .from(devices)
      .where(and(...conditions))
      .orderBy(...orderBy(sort, direction))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    const groupIds = await this.groupIdsOf(
      this.ctx.db,
      page.map((r) => r.id),
    );
    const last = page[page.length - 1];
    let nextCursor: string | null = null;
    if (rows.length > q.limit && last) {
      nextCursor = encodeCursor(last.sortValue, last.id);
    }
    return { items: page.map((row) => deviceFromRow(row, groupIds.get(row.id) ?? [])), nextCursor };
  }

  /** Updates name, tags and metadata. */
  async update(id: string, input: DeviceUpdate, scope: TenantScope = {}): Promise<Device> {
    const data = parseInput(deviceUpdateSchema, input, 'device update');
    const changes = Object.keys(data).filter((k) => (data as Record<string, unknown>)[k] !== undefined);
    return this.mutate(id, scope, async (tx, row, events) => {
      const [updated] = await tx
        .update(devices)
        .set({
          ...(data.name !== undefined ? { name: data.name } : {}),
          ...(data.tags !== undefined ? { tags: data.tags } : {}),
          ...(data.metadata !== undefined ? { metadata: data.metadata } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(devices.id, id))
        .returning(deviceColumns);
      events.add({
        type: 'device.updated',
        payload: { deviceId: id, changes },
        deviceId: id,
        tenantId: row.tenantId,
      });
      return updated!;
    });
  }

  /** Blocks a device: it is refused on its next request and cannot enrol again until unblocked. */
  async block(id: string, reason?: string | null, scope: TenantScope = {}): Promise<Device> {
    const why = parseInput(blockReasonSchema, reason, 'block reason') ?? null;
    return this.transition(id, 'blocked', scope, { blockedReason: why }, (row, events) => {
      events.add({
        type: 'device.blocked',
        payload: { deviceId: id, reason: why },
        deviceId: id,
        tenantId: row.tenantId,
      });
    });
  }

  async unblock(id: string, scope: TenantScope = {}): Promise<Device> {
    return this.transition(
      id,
      'enrolled',
      scope,
      { blockedReason: null },
      (row, events) => {
        events.add({
          type: 'device.unblocked',
          payload: { deviceId: id },
          deviceId: id,
          tenantId: row.tenantId,
        });
      },
      ['blocked'],
    );
  }

  /** Approves a device that enrolled while approval was required. */
  async approve(id: string, scope: TenantScope = {}): Promise<Device> {
    return this.transition(
      id,
      'enrolled',
      scope,
      { enrolledAt: sql`coalesce(${devices.enrolledAt}, now())` },
      (row, events) => {
        events.add({
          type: 'device.approved',
          payload: { deviceId: id },
          deviceId: id,
          tenantId: row.tenantId,
        });
      },
      ['pending'],
    );
  }

  /** Unenrols a device: its tokens are revoked at once and it must enrol again to come back. */
  async unenroll(id: string, scope: TenantScope = {}): Promise<Device> {
    return this.transition(id, 'unenrolled', scope, {}, async (row, events, tx) => {
      await revokeDeviceTokens(tx, id);
      events.add({
        type: 'device.unenrolled',
        payload: { deviceId: id },
        deviceId: id,
        tenantId: row.tenantId,
      });
    });
  }

  /**
   * Forgets the device's pinned enrolment key, so its next pinned-key enrolment may pin a new one (after a
   * factory reset or a replaced keystore). Until then a re-enrolment with another key is refused.
   */
  async unpinKey(id: string, scope: TenantScope = {}): Promise<Device> {
    return this.mutate(id, scope, async (tx, row, events) => {
      const [updated] = await tx
        .update(devices)
        .set({ publicKey: null, updatedAt: sql`now()` })
        .where(eq(devices.id, id))
        .returning(deviceColumns);
      if (row.publicKey !== null) {
        events.add({
          type: 'device.keyUnpinned',
          payload: { deviceId: id },
          deviceId: id,
          tenantId: row.tenantId,
        });
      }
      return updated!;
    });
  }

  /** Soft delete: the row stays for history, the device is refused and hidden from lists. */
  async delete(id: string, scope: TenantScope = {}): Promise<void> {
    await this.mutate(id, scope, async (tx, row, events) => {
      const [updated] = await tx
        .update(devices)
        .set({ deletedAt: sql`now()`, pushToken: null, updatedAt: sql`now()` })
        .where(eq(devices.id, id))
        .returning(deviceColumns);
      await revokeDeviceTokens(tx, id);
      events.add({ type: 'device.deleted', payload: { deviceId: id }, deviceId: id, tenantId: row.tenantId });
      return updated!;
    });
  }

  /** Assigns a policy to the device itself (null: fall back to its groups or the default). */
  async assignPolicy(id: string, policyId: string | null, scope: TenantScope = {}): Promise<Device> {
    parseInput(idSchema.nullable(), policyId, 'policyId');
    return this.mutate(id, scope, async (tx, row, events) => {
      if (policyId) await this.requirePolicy(tx, policyId, row.tenantId);
      const [updated] = await tx
        .update(devices)
        .set({ policyId, updatedAt: sql`now()` })
        .where(eq(devices.id, id))
        .returning(deviceColumns);
      events.add({
        type: 'device.policyAssigned',
        payload: { deviceId: id, policyId },
        deviceId: id,
        tenantId: row.tenantId,
      });
      return updated!;
    });
  }

  async addToGroup(id: string, groupId: string, scope: TenantScope = {}): Promise<Device> {
    return this.changeGroups(id, scope, (current) => [...new Set([...current, groupId])]);
  }

  async removeFromGroup(id: string, groupId: string, scope: TenantScope = {}): Promise<Device> {
    return this.changeGroups(id, scope, (current) => current.filter((g) => g !== groupId));
  }

  /** Replaces the device's group memberships. */
  async setGroups(id: string, groupIds: string[], scope: TenantScope = {}): Promise<Device> {
    const wanted = parseInput(z.array(idSchema).max(100), groupIds, 'groupIds');
    return this.changeGroups(id, scope, () => [...new Set(wanted)]);
  }

  async getEffectivePolicy(id: string, scope: TenantScope = {}): Promise<EffectivePolicy> {
    await this.get(id, scope);
    return this.policies.resolveForDevice(id);
  }

  sendCommand(id: string, input: CommandInput): Promise<Command> {
    return this.commands.send(id, input);
  }

  sync(id: string): Promise<Command> {
    return this.commands.send(id, { type: 'sync' });
  }

  lock(id: string, message?: string): Promise<Command> {
    return this.commands.send(id, { type: 'lock', payload: message ? { message } : {} });
  }

  reboot(id: string): Promise<Command> {
    return this.commands.send(id, { type: 'reboot' });
  }

  /** Wipes the device; `preserveData` keeps external storage. */
  wipe(id: string, options: { preserveData?: boolean } = {}): Promise<Command> {
    return this.commands.send(id, { type: 'wipe', payload: options });
  }

  factoryReset(id: string): Promise<Command> {
    return this.commands.send(id, { type: 'factoryReset' });
  }

  installApp(id: string, payload: CommandPayloads['installApp']): Promise<Command> {
    return this.commands.send(id, { type: 'installApp', payload });
  }

  uninstallApp(id: string, packageName: string): Promise<Command> {
    return this.commands.send(id, { type: 'uninstallApp', payload: { packageName } });
  }

  /** Moves a device along its status state machine, or throws InvalidTransitionError. */
  async setStatus(id: string, to: DeviceStatus, scope: TenantScope = {}): Promise<Device> {
    return this.transition(id, to, scope, {}, (row, events) => {
      events.add({
        type: 'device.updated',
        payload: { deviceId: id, changes: ['status'] },
        deviceId: id,
        tenantId: row.tenantId,
      });
    });
  }

  async groupIdsOf(db: MDMExecutor, ids: string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (ids.length === 0) return map;
    const rows = await db
      .select({ deviceId: deviceGroups.deviceId, groupId: deviceGroups.groupId })
      .from(deviceGroups)
      .where(inArray(deviceGroups.deviceId, ids))
      .orderBy(deviceGroups.groupId);
    for (const row of rows) {
      const list = map.get(row.deviceId) ?? [];
      list.push(row.groupId);
      map.set(row.deviceId, list);
    }
    return map;
  }

  private async findRow(db: MDMExecutor, id: string, scope: TenantScope, forUpdate = false) {
    const query = db
      .select(deviceColumns)
      .from(devices)
      .where(
        and(
          eq(devices.id, id),
          isNull(devices.deletedAt),
          scope.tenantId ? eq(devices.tenantId, scope.tenantId) : undefined,
        ),
      );
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  private async mutate(
    id: string,
    scope: TenantScope,
    fn: (tx: MDMExecutor, row: DeviceRow, events: EventSink) => Promise<DeviceRow>,
  ): Promise<Device> {
    return this.ctx.transact(async (tx, events) => {
      const row = await this.findRow(tx, id, scope, true);
      if (!row) throw new NotFoundError('device', id);
      const updated = await fn(tx, row, events);
      const groupIds = await this.groupIdsOf(tx, [id]);
      return deviceFromRow(updated, groupIds.get(id) ?? []);
    });
  }

  /** A guarded status UPDATE: it matches only while the current status allows `to`. */
  private async transition(
    id: string,
    to: DeviceStatus,
    scope: TenantScope,
    patch: PgUpdateSetSource<typeof devices>,
    onChanged: (row: DeviceRow, events: EventSink, tx: MDMExecutor) => void | Promise<void>,
    from: DeviceStatus[] = statusesAllowing(to),
  ): Promise<Device> {
    return this.ctx.transact(async (tx, events) => {
      const [row] = await tx
        .update(devices)
        .set({ ...patch, status: to, updatedAt: sql`now()` })
        .where(
          and(
            eq(devices.id, id),
            isNull(devices.deletedAt),
            inArray(devices.status, from),
            scope.tenantId ? eq(devices.tenantId, scope.tenantId) : undefined,
          ),
        )
        .returning(deviceColumns);
      if (!row) {
        const current = await this.findRow(tx, id, scope);
        if (!current) throw new NotFoundError('device', id);
        throw new InvalidTransitionError('device', id, current.status, to);
      }
      await onChanged(row, events, tx);
      const groupIds = await this.groupIdsOf(tx, [id]);
      return deviceFromRow(row, groupIds.get(id) ?? []);
    });
  }

  private async changeGroups(
    id: string,
    scope: TenantScope,
    next: (current: string[]) => string[],
  ): Promise<Device> {
    return this.mutate(id, scope, async (tx, row, events) => {
      const current = (await this.groupIdsOf(tx, [id])).get(id) ?? [];
      const wanted = next(current);
      const added = wanted.filter((g) => !current.includes(g));
      const removed = current.filter((g) => !wanted.includes(g));
      if (added.length > 0) {
        const found = await tx
          .select({ id: groups.id })
          .from(groups)
          .where(
            and(inArray(groups.id, added), row.tenantId ? eq(groups.tenantId, row.tenantId) : undefined),
          );
        const missing = added.find((g) => !found.some((f) => f.id === g));
        if (missing) throw new NotFoundError('group', missing);
        await tx.insert(deviceGroups).values(added.map((groupId) => ({ deviceId: id, groupId })));
      }
      if (removed.length > 0) {
        await tx
          .delete(deviceGroups)
          .where(and(eq(deviceGroups.deviceId, id), inArray(deviceGroups.groupId, removed)));
      }
      for (const groupId of added) {
        events.add({
          type: 'group.memberAdded',
          payload: { groupId, deviceId: id },
          deviceId: id,
          tenantId: row.tenantId,
        });
      }
      for (const groupId of removed) {
        events.add({
          type: 'group.memberRemoved',
          payload: { groupId, deviceId: id },
          deviceId: id,
          tenantId: row.tenantId,
        });
      }
      if (added.length + removed.length > 0) {
        events.add({
          type: 'device.groupsChanged',
          payload: { deviceId: id, groupIds: wanted },
          deviceId: id,
          tenantId: row.tenantId,
        });
      }
      return row;
    });
  }

  private async requirePolicy(db: MDMExecutor, policyId: string, tenantId?: string | null) {
    const [row] = await db
      .select({ id: policies.id })
      .from(policies)
      .where(and(eq(policies.id, policyId), tenantId ? eq(policies.tenantId, tenantId) : undefined));
    if (!row) throw new NotFoundError('policy', policyId);
  }
}

export { deviceTransitions };
