import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { EventSink, MDMContext } from '../context.js';
import type { MDMExecutor } from '../db/adapter.js';
import { commands, devices } from '../db/schema/index.js';
import {
  type Command,
  type CommandInput,
  type CommandListQuery,
  type CommandResult,
  type CommandStatus,
  commandInputSchema,
  commandListQuerySchema,
  commandTransitionSources,
  terminalCommandStatuses,
} from '../domain/command.js';
import type { CommandType } from '../domain/command-payloads.js';
import { commandPayloadSchemas } from '../domain/command-payloads.js';
import type { Page } from '../domain/common.js';
import { newId } from '../domain/ids.js';
import { ConflictError, InvalidTransitionError, MDMError, NotFoundError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../util/cursor.js';
import { timestampCursorValue, timestampFromCursor } from '../util/keyset.js';
import { stableStringify } from '../util/stable-hash.js';
import { parseInput } from '../util/validate.js';
import { type CommandRow, commandFromRow } from './command-row.js';
import type { TenantScope } from './policies.js';

const resultInputSchema = z.strictObject({
  success: z.boolean(),
  message: z.string().max(65_536).nullable().optional(),
  data: z.unknown().optional(),
});
const errorInputSchema = z.string().min(1).max(65_536);

/** Limits a transition to one device's commands: a device may only touch its own. */
export interface DeviceScope {
  deviceId?: string;
}

type TransitionTarget = keyof typeof commandTransitionSources;

/** Target states that are a no-op when the command is already there (duplicate requests from retries). */
const idempotentWhen: Record<TransitionTarget, readonly CommandStatus[]> = {
  sent: ['sent', 'acknowledged', 'completed', 'failed'],
  acknowledged: ['acknowledged', 'completed', 'failed'],
  completed: ['completed'],
  failed: ['failed'],
  expired: ['expired'],
  cancelled: ['cancelled'],
};

/** A device's commands that are still to be delivered: pending or sent, and not past their time-to-live. */
export function openCommandsOf(deviceId: string): SQL {
  return and(
    eq(commands.deviceId, deviceId),
    inArray(commands.status, ['pending', 'sent']),
    or(isNull(commands.expiresAt), sql`${commands.expiresAt} > now()`),
  ) as SQL;
}

/** Device statuses that can still receive commands. */
const commandableStatuses = ['pending', 'enrolled', 'unenrolling'];

export class CommandManager {
  /** Called after a new command committed (the push dispatcher wakes the device from here). */
  readonly createdListeners: ((command: Command) => void)[] = [];

  constructor(private readonly ctx: MDMContext) {}

  /** Queues a command for a device. With an idempotency key, a repeat returns the first command. */
  async send(deviceId: string, input: CommandInput): Promise<Command> {
    const parsed = parseInput(commandInputSchema, input, 'command') as CommandInput;
    const payload = parseInput(
      commandPayloadSchemas[parsed.type],
      parsed.payload ?? {},
      `${parsed.type} payload`,
    );
    const ttl = parsed.ttlSeconds ?? this.ctx.settings.commandTtlSeconds;
    const result = await this.ctx.transact(async (tx, events) => {
      const [device] = await tx
        .select({ id: devices.id, status: devices.status, tenantId: devices.tenantId })
        .from(devices)
        .where(and(eq(devices.id, deviceId), isNull(devices.deletedAt)));
      if (!device) throw new NotFoundError('device', deviceId);
      if (!commandableStatuses.includes(device.status)) {
        throw new MDMError(
          'DEVICE_NOT_ACTIVE',
          `device ${deviceId} is ${device.status} and cannot receive commands`,
          {
            deviceId,
            status: device.status,
          },
        );
      }
      const id = newId('cmd');
      const inserted = await tx
        .insert(commands)
        .values({
          id,
          deviceId,
          tenantId: device.tenantId,
          type: parsed.type,
          payload: payload as Record<string, unknown>,
          status: 'pending',
          idempotencyKey: parsed.idempotencyKey ?? null,
          batchId: parsed.batchId ?? null,
          createdBy: parsed.createdBy ?? null,
          metadata: parsed.metadata ?? {},
          nextPushAt: sql`now()`,
          expiresAt: sql`now() + make_interval(secs => ${ttl})`,
        })
        .onConflictDoNothing({ target: [commands.deviceId, commands.idempotencyKey] })
        .returning();
      const row = inserted[0];
      if (row) {
        events.add({
          type: 'command.created',
          payload: { commandId: row.id, deviceId, type: parsed.type },
          deviceId,
          commandId: row.id,
          tenantId: row.tenantId,
        });
        return { command: commandFromRow(row), created: true };
      }
      const [existing] = await tx
        .select()
        .from(commands)
        .where(
          and(eq(commands.deviceId, deviceId), eq(commands.idempotencyKey, parsed.idempotencyKey ?? '')),
        );
      if (!existing) throw new MDMError('INTERNAL', 'idempotent insert found no row');
      if (existing.type !== parsed.type || stableStringify(existing.payload) !== stableStringify(payload)) {
        throw new ConflictError(`idempotency key ${parsed.idempotencyKey} was used for a different command`, {
          commandId: existing.id,
          reason: 'IDEMPOTENCY_KEY_REUSED',
        });
      }
      return { command: commandFromRow(existing), created: false };
    });
    if (result.created) {
      for (const listener of this.createdListeners) {
        try {
          listener(result.command);
        } catch (error) {
          this.ctx.logger.error({ err: error, commandId: result.command.id }, 'command listener failed');
        }
      }
    }
    return result.command;
  }

  async get(id: string, scope: DeviceScope = {}): Promise<Command> {
    const row = await this.findRow(this.ctx.db, id, scope);
    if (!row) throw new NotFoundError('command', id);
    return commandFromRow(row);
  }

  async list(query: CommandListQuery = {}, scope: TenantScope = {}): Promise<Page<Command>> {
    const q = parseInput(commandListQuerySchema, query, 'command list');
    const conditions: SQL[] = [];
    if (scope.tenantId) conditions.push(eq(commands.tenantId, scope.tenantId));
    if (q.deviceId) conditions.push(eq(commands.deviceId, q.deviceId));
    if (q.type?.length) conditions.push(inArray(commands.type, q.type));
    if (q.status?.length) conditions.push(inArray(commands.status, q.status));
    if (q.batchId) conditions.push(eq(commands.batchId, q.batchId));
    if (q.createdAfter) conditions.push(gte(commands.createdAt, q.createdAfter));
    if (q.createdBefore) conditions.push(lte(commands.createdAt, q.createdBefore));
    if (q.cursor) {
      const { value, id } = decodeCursor(q.cursor);
      const at = timestampFromCursor(value);
      conditions.push(
        or(
          sql`${commands.createdAt} < ${at}`,
          and(sql`${commands.createdAt} = ${at}`, lt(commands.id, id)),
        ) as SQL,
      );
    }
    const rows = await this.ctx.db
      .select({ row: commands, at: timestampCursorValue(commands.createdAt) })
      .from(commands)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(commands.createdAt), desc(commands.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => commandFromRow(r.row)),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.at, last.row.id) : null,
    };
  }

  /** The device received the command (ack). Repeated acks are no-ops. */
  acknowledge(id: string, scope: DeviceScope = {}): Promise<Command> {
    return this.transition(id, 'acknowledged', scope, { acknowledgedAt: sql`now()` }, (row, events) =>
      events.add({
        type: 'command.acknowledged',
        payload: { commandId: row.id, deviceId: row.deviceId, type: row.type as CommandType },
        deviceId: row.deviceId,
        commandId: row.id,
        tenantId: row.tenantId,
      }),
    );
  }

  /** The device finished the command; `success: false` is a completed command with a failed result. */
  complete(
    id: string,
    input: { success: boolean; message?: string | null; data?: unknown },
    scope: DeviceScope = {},
  ) {
    const parsed = parseInput(resultInputSchema, input, 'command result');
    const result: CommandResult = { success: parsed.success, message: parsed.message ?? null };
    if (parsed.data !== undefined) result.data = parsed.data;
    return this.transition(id, 'completed', scope, { result, completedAt: sql`now()` }, (row, events) =>
      events.add({
        type: 'command.completed',
        payload: {
          commandId: row.id,
          deviceId: row.deviceId,
          type: row.type as CommandType,
          success: result.success,
          message: result.message,
        },
        deviceId: row.deviceId,
        commandId: row.id,
        tenantId: row.tenantId,
      }),
    );
  }

  /** The device could not run the command. */
  fail(id: string, error: string, scope: DeviceScope = {}): Promise<Command> {
    const message = parseInput(errorInputSchema, error, 'command error');
    return this.transition(id, 'failed', scope, { error: message, completedAt: sql`now()` }, (row, events) =>
      events.add({
        type: 'command.failed',
        payload: { commandId: row.id, deviceId: row.deviceId, type: row.type as CommandType, error: message },
        deviceId: row.deviceId,
        commandId: row.id,
        tenantId: row.tenantId,
      }),
    );
  }

  /** Cancels a command the device has not acknowledged yet. */
  cancel(id: string, reason: string | null = null): Promise<Command> {
    return this.transition(id, 'cancelled', {}, { completedAt: sql`now()` }, (row, events) =>
      events.add({
        type: 'command.cancelled',
        payload: { commandId: row.id, deviceId: row.deviceId, type: row.type as CommandType, reason },
        deviceId: row.deviceId,
        commandId: row.id,
        tenantId: row.tenantId,
      }),
    );
  }

  /** A push wake-up for a pending command was accepted by the push service. */
  markSent(id: string): Promise<Command> {
    return this.transition(id, 'sent', {}, sentByPush, commandSentByPush);
  }

  /**
   * Push wake-ups for these commands were accepted: the ones still pending become `sent`, in one transaction
   * (one `command.sent` each). Commands cancelled, expired or delivered by a heartbeat meanwhile are left as
   * they are. Resolves to the commands it changed.
   */
  async markSentMany(ids: readonly string[]): Promise<Command[]> {
    if (ids.length === 0) return [];
    return this.ctx.transact(async (tx, events) => {
      const rows = await tx
        .update(commands)
        .set({ ...sentByPush, status: 'sent', updatedAt: sql`now()` })
        .where(
          and(inArray(commands.id, [...ids]), inArray(commands.status, [...commandTransitionSources.sent])),
        )
        .returning();
      rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
      for (const row of rows) commandSentByPush(row, events);
      return rows.map(commandFromRow);
    });
  }

  /**
   * Hands a device its open commands (pending or sent, not expired), oldest first, marking each as sent.
   * Rows locked by a concurrent delivery are skipped rather than delivered twice.
   */
  async takeForDelivery(
    deviceId: string,
    limit = 50,
    via: 'heartbeat' | 'poll' = 'heartbeat',
  ): Promise<Command[]> {
    return this.ctx.transact((tx, events) => this.takeForDeliveryIn(tx, events, deviceId, limit, via));
  }

  async takeForDeliveryIn(
    tx: MDMExecutor,
    events: EventSink,
    deviceId: string,
    limit = 50,
    via: 'heartbeat' | 'poll' = 'heartbeat',
  ): Promise<Command[]> {
    const due = await tx
      .select({ id: commands.id, status: commands.status })
      .from(commands)
      .where(openCommandsOf(deviceId))
      .orderBy(asc(commands.createdAt), asc(commands.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    const rows = await tx
      .update(commands)
      .set({
        status: 'sent',
        sentAt: sql`coalesce(${commands.sentAt}, now())`,
        deliveryCount: sql`${commands.deliveryCount} + 1`,
        nextPushAt: null,
        updatedAt: sql`now()`,
      })
      .where(
        inArray(
          commands.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
    const firstTime = new Set(due.filter((d) => d.status === 'pending').map((d) => d.id));
    for (const row of rows) {
      if (!firstTime.has(row.id)) continue;
      events.add({
        type: 'command.sent',
        payload: { commandId: row.id, deviceId: row.deviceId, type: row.type as CommandType, via },
        deviceId: row.deviceId,
        commandId: row.id,
        tenantId: row.tenantId,
      });
    }
    return rows
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map(commandFromRow);
  }

  /** Expires open commands whose time-to-live has passed; returns how many. Safe to run on several instances. */
  async expireDue(limit = 500): Promise<number> {
    return this.ctx.transact(async (tx, events) => {
      const due = await tx
        .select({ id: commands.id, status: commands.status })
        .from(commands)
        .where(and(inArray(commands.status, ['pending', 'sent']), lte(commands.expiresAt, sql`now()`)))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (due.length === 0) return 0;
      const from = new Map(due.map((d) => [d.id, d.status as CommandStatus]));
      const rows = await tx
        .update(commands)
        .set({ status: 'expired', nextPushAt: null, updatedAt: sql`now()` })
        .where(inArray(commands.id, [...from.keys()]))
        .returning();
      for (const row of rows) {
        events.add({
          type: 'command.expired',
          payload: {
            commandId: row.id,
            deviceId: row.deviceId,
            type: row.type as CommandType,
            from: from.get(row.id) ?? 'pending',
          },
          deviceId: row.deviceId,
          commandId: row.id,
          tenantId: row.tenantId,
        });
      }
      return rows.length;
    });
  }

  /**
   * Claims pending commands whose push wake-up is due, for one dispatcher. Claimed rows are leased for
   * `leaseSeconds` (their next attempt moves forward), so two dispatchers never claim the same command.
   */
  async claimForPush(limit = 100, leaseSeconds = 30): Promise<Command[]> {
    return this.ctx.database.transaction(async (tx) => {
      const due = await tx
        .select({ id: commands.id })
        .from(commands)
        .where(and(eq(commands.status, 'pending'), lte(commands.nextPushAt, sql`now()`)))
        .orderBy(asc(commands.nextPushAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      const rows = await tx
        .update(commands)
        .set({
          nextPushAt: sql`now() + make_interval(secs => ${leaseSeconds})`,
          pushAttempts: sql`${commands.pushAttempts} + 1`,
        })
        .where(
          inArray(
            commands.id,
            due.map((d) => d.id),
          ),
        )
        .returning();
      return rows.map(commandFromRow);
    });
  }

  /** Records a failed push attempt and when to try again (null: stop pushing; the heartbeat still delivers). */
  async recordPushFailure(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.ctx.db
      .update(commands)
      .set({ lastPushError: error.slice(0, 1000), nextPushAt: retryAt })
      .where(and(eq(commands.id, id), eq(commands.status, 'pending')));
  }

  isTerminal(status: CommandStatus): boolean {
    return terminalCommandStatuses.includes(status);
  }

  private async findRow(db: MDMExecutor, id: string, scope: DeviceScope): Promise<CommandRow | undefined> {
    const conditions = [eq(commands.id, id)];
    if (scope.deviceId) conditions.push(eq(commands.deviceId, scope.deviceId));
    const [row] = await db
      .select()
      .from(commands)
      .where(and(...conditions));
    return row;
  }

  /**
   * One guarded UPDATE: it only matches while the command is in a state the target may be reached from.
   * When it matches nothing, the current state tells a duplicate (no-op) from a forbidden transition.
   */
  private transition(
    id: string,
    to: TransitionTarget,
    scope: DeviceScope,
    patch: PgUpdateSetSource<typeof commands>,
    onChanged: (row: CommandRow, events: EventSink) => void,
  ): Promise<Command> {
    return this.ctx.transact(async (tx, events) => {
      const conditions = [eq(commands.id, id), inArray(commands.status, [...commandTransitionSources[to]])];
      if (scope.deviceId) conditions.push(eq(commands.deviceId, scope.deviceId));
      const [row] = await tx
        .update(commands)
        .set({ ...patch, status: to, updatedAt: sql`now()` })
        .where(and(...conditions))
        .returning();
      if (row) {
        onChanged(row, events);
        return commandFromRow(row);
      }
      const current = await this.findRow(tx, id, scope);
      if (!current) throw new NotFoundError('command', id);
      if (idempotentWhen[to].includes(current.status as CommandStatus)) return commandFromRow(current);
      throw new InvalidTransitionError('command', id, current.status, to);
    });
  }
}

/** What a push wake-up accepted by the push service changes on a pending command. */
const sentByPush = { sentAt: sql`coalesce(${commands.sentAt}, now())`, nextPushAt: null };

function commandSentByPush(row: CommandRow, events: EventSink): void {
  events.add({
    type: 'command.sent',
    payload: { commandId: row.id, deviceId: row.deviceId, type: row.type as CommandType, via: 'push' },
    deviceId: row.deviceId,
    commandId: row.id,
    tenantId: row.tenantId,
  });
}
