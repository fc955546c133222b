import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { MDMContext } from '../context.js';
import { batches, batchItems, commands, devices, events, policies } from '../db/schema/index.js';
import type { CommandInput } from '../domain/command.js';
import { idSchema } from '../domain/common.js';
import { type DeviceFilter, deviceFilterSchema } from '../domain/device.js';
import type { AnyMDMEvent } from '../domain/event.js';
import { newId } from '../domain/ids.js';
import { MDMError, NotFoundError, ValidationError } from '../errors.js';
import type { CommandManager } from '../managers/commands.js';
import { deviceFilterConditions } from '../managers/device-list-query.js';
import type { DeviceManager } from '../managers/devices.js';
import type { TenantScope } from '../managers/policies.js';
import { claimAuditRecord } from './audit-log.js';
import { currentAuditScope } from './audit-scope.js';
import { eventFeedOf } from './event-feed.js';

/** Most devices one bulk operation may target. */
export const maxBulkTargets = 10_000;

/**
 * Which devices a bulk operation targets: explicit ids, or the strict `devices.list` filter, or `all: true`.
 * An empty filter is refused, so targeting the whole fleet is always spelled out.
 */
export const bulkTargetSchema = z
  .strictObject({
    ids: z.array(idSchema).min(1).max(maxBulkTargets).optional(),
    filter: deviceFilterSchema.optional(),
    all: z.literal(true).optional(),
  })
  .superRefine((target, ctx) => {
    const given = (['ids', 'filter', 'all'] as const).filter((key) => target[key] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give exactly one of `ids`, `filter` or `all: true`',
      });
    } else if (target.filter && Object.values(target.filter).every((v) => v === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['filter'],
        message: 'an empty filter targets every device: say `all: true` instead',
      });
    }
  });
export type BulkTarget = z.input<typeof bulkTargetSchema>;

export type BatchKind = 'sendCommand' | 'assignPolicy';

export interface BulkRejection {
  deviceId: string;
  code: string;
  message: string;
}

export interface BulkResult {
  batchId: string;
  targeted: number;
  accepted: number;
  rejected: number;
  /** The first refusals (at most 100); all of them are kept with the batch. */
  rejections: BulkRejection[];
}

export interface BatchProgress {
  batchId: string;
  kind: BatchKind;
  params: Record<string, unknown>;
  targeted: number;
  accepted: number;
  rejected: number;
  createdBy: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  /** Normalised progress: waiting for the device, running on it, done well, done badly (or refused). */
  counts: { pending: number; inProgress: number; succeeded: number; failed: number };
  /** Raw states: command statuses for `sendCommand`; `applied`/`assigned` for `assignPolicy`; plus `rejected`. */
  byStatus: Record<string, number>;
  done: boolean;
}

export interface BulkDeps {
  context: MDMContext;
  devices: DeviceManager;
  commands: CommandManager;
}

/** The ids of the devices a target designates, within the scope; an unknown id fails the whole operation. */
export async function resolveBulkTargets(
  ctx: MDMContext,
  target: BulkTarget,
  scope: TenantScope = {},
): Promise<string[]> {
  const parsed = bulkTargetSchema.safeParse(target);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, 'bulk target');
  const t = parsed.data;
  if (t.ids) {
    const wanted = [...new Set(t.ids)];
    const rows = await ctx.db
      .select({ id: devices.id })
      .from(devices)
      .where(
        and(
          inArray(devices.id, wanted),
          isNull(devices.deletedAt),
          scope.tenantId ? eq(devices.tenantId, scope.tenantId) : undefined,
        ),
      );
    const found = new Set(rows.map((r) => r.id));
    const missing = wanted.find((id) => !found.has(id));
    if (missing) throw new NotFoundError('device', missing);
    return wanted;
  }
  const filter: DeviceFilter = t.filter ?? {};
  const where = deviceFilterConditions(filter, scope, ctx.settings.onlineWindowSeconds);
  const rows = await ctx.db
    .select({ id: devices.id })
    .from(devices)
    .where(and(...where))
    .orderBy(devices.id)
    .limit(maxBulkTargets + 1);
  if (rows.length > maxBulkTargets) {
    throw new ValidationError(`the target matches more than ${maxBulkTargets} devices`, [
      { path: ['target'], message: `matches more than ${maxBulkTargets} devices; narrow the filter` },
    ]);
  }
  return rows.map((r) => r.id);
}

/** Queues one command per targeted device, all under one batch id. */
export async function bulkSendCommand(
  deps: BulkDeps,
  target: BulkTarget,
  command: CommandInput,
  options: TenantScope & { createdBy?: string | null } = {},
): Promise<BulkResult> {
  const deviceIds = await resolveBulkTargets(deps.context, target, options);
  const params = { type: command.type, payload: command.payload ?? {} };
  const batchId = await createBatch(deps.context, 'sendCommand', deviceIds, params, options);
  const rejections = await forEachDevice(deviceIds, async (deviceId) => {
    await deps.commands.send(deviceId, {
      ...command,
      batchId,
      idempotencyKey: `batch:${batchId}`,
      ...(options.createdBy ? { createdBy: options.createdBy } : {}),
    } as CommandInput);
  });
  return finishBatch(deps.context, batchId, deviceIds.length, rejections);
}

/** Assigns a policy (or clears the assignment with null) on every targeted device, under one batch id. */
export async function bulkAssignPolicy(
  deps: BulkDeps,
  target: BulkTarget,
  policyId: string | null,
  options: TenantScope & { createdBy?: string | null } = {},
): Promise<BulkResult> {
  const deviceIds = await resolveBulkTargets(deps.context, target, options);
  let version: number | null = null;
  if (policyId) {
    const [policy] = await deps.context.db
      .select({ version: policies.version })
      .from(policies)
      .where(
        and(
          eq(policies.id, policyId),
          options.tenantId ? eq(policies.tenantId, options.tenantId) : undefined,
        ),
      );
    if (!policy) throw new NotFoundError('policy', policyId);
    version = policy.version;
  }
  const batchId = await createBatch(deps.context, 'assignPolicy', deviceIds, { policyId, version }, options);
  const rejections = await forEachDevice(deviceIds, async (deviceId) => {
    await deps.devices.assignPolicy(deviceId, policyId, options);
  });
  return finishBatch(deps.context, batchId, deviceIds.length, rejections);
}

async function createBatch(
  ctx: MDMContext,
  kind: BatchKind,
  deviceIds: string[],
  params: Record<string, unknown>,
  options: TenantScope & { createdBy?: string | null },
): Promise<string> {
  const id = newId('bat');
  await ctx.transact(async (tx) => {
    await tx.insert(batches).values({
      id,
      tenantId: options.tenantId ?? null,
      kind,
      params,
      targeted: deviceIds.length,
      createdBy: options.createdBy ?? null,
    });
    for (let i = 0; i < deviceIds.length; i += 1000) {
      await tx
        .insert(batchItems)
        .values(deviceIds.slice(i, i + 1000).map((deviceId) => ({ batchId: id, deviceId })));
    }
    const audit = currentAuditScope();
    if (audit) {
      audit.targetType = 'batch';
      audit.targetId = id;
      await claimAuditRecord(tx, audit);
    }
  });
  return id;
}

/** Runs `fn` for each device, a few at a time; a device refused by the SDK is recorded, others go on. */
async function forEachDevice(
  deviceIds: string[],
  fn: (deviceId: string) => Promise<void>,
): Promise<BulkRejection[]> {
  const rejections: BulkRejection[] = [];
  let next = 0;
  const worker = async () => {
    while (next < deviceIds.length) {
      const deviceId = deviceIds[next++]!;
      try {
        await fn(deviceId);
      } catch (error) {
        if (!(error instanceof MDMError)) throw error;
        rejections.push({ deviceId, code: error.code, message: error.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, deviceIds.length) }, worker));
  return rejections;
}

async function finishBatch(
  ctx: MDMContext,
  batchId: string,
  targeted: number,
  rejections: BulkRejection[],
): Promise<BulkResult> {
  await ctx.database.transaction(async (tx) => {
    for (const r of rejections) {
      await tx
        .update(batchItems)
        .set({ errorCode: r.code, error: r.message.slice(0, 1000) })
        .where(and(eq(batchItems.batchId, batchId), eq(batchItems.deviceId, r.deviceId)));
    }
    await tx
      .update(batches)
      .set({ accepted: targeted - rejections.length, rejected: rejections.length, finishedAt: sql`now()` })
      .where(eq(batches.id, batchId));
  });
  return {
    batchId,
    targeted,
    accepted: targeted - rejections.length,
    rejected: rejections.length,
    rejections: rejections.slice(0, 100),
  };
}

/** Where a batch stands now. */
export async function batchProgress(
  ctx: MDMContext,
  batchId: string,
  scope: TenantScope = {},
): Promise<BatchProgress> {
  const [batch] = await ctx.db
    .select()
    .from(batches)
    .where(and(eq(batches.id, batchId), scope.tenantId ? eq(batches.tenantId, scope.tenantId) : undefined));
  if (!batch) throw new NotFoundError('batch', batchId);
  const byStatus: Record<string, number> = {};
  const counts = { pending: 0, inProgress: 0, succeeded: 0, failed: batch.rejected };
  if (batch.kind === 'sendCommand') {
    const rows = await ctx.db
      .select({
        status: commands.status,
        ok: sql<boolean>`coalesce((${commands.result}->>'success')::boolean, true)`,
        n: sql<number>`count(*)::int`,
      })
      .from(commands)
      .where(eq(commands.batchId, batchId))
      .groupBy(commands.status, sql`2`);
    for (const row of rows) {
      const n = Number(row.n);
      byStatus[row.status] = (byStatus[row.status] ?? 0) + n;
      if (row.status === 'pending' || row.status === 'sent') counts.pending += n;
      else if (row.status === 'acknowledged') counts.inProgress += n;
      else if (row.status === 'completed' && row.ok) counts.succeeded += n;
      else counts.failed += n;
    }
  } else {
    const policyId = (batch.params.policyId as string | null) ?? null;
    const [row] = await ctx.db
      .select({
        applied: sql<number>`count(*) filter (where ${
          policyId === null
            ? sql`true`
            : sql`${devices.appliedPolicyId} = ${policyId} and ${devices.appliedPolicyVersion} = (select version from mdm_policies where id = ${policyId})`
        })::int`,
        assigned: sql<number>`count(*)::int`,
      })
      .from(batchItems)
      .innerJoin(devices, eq(devices.id, batchItems.deviceId))
      .where(and(eq(batchItems.batchId, batchId), isNull(batchItems.errorCode)));
    const applied = Number(row?.applied ?? 0);
    const assigned = Number(row?.assigned ?? 0);
    byStatus.applied = applied;
    byStatus.assigned = assigned - applied;
    counts.succeeded = applied;
    counts.pending = assigned - applied;
  }
  if (batch.rejected > 0) byStatus.rejected = batch.rejected;
  return {
    batchId: batch.id,
    kind: batch.kind as BatchKind,
    params: batch.params,
    targeted: batch.targeted,
    accepted: batch.accepted,
    rejected: batch.rejected,
    createdBy: batch.createdBy,
    createdAt: batch.createdAt,
    finishedAt: batch.finishedAt,
    counts,
    byStatus,
    done: batch.finishedAt !== null && counts.pending + counts.inProgress === 0,
  };
}

/**
 * The progress of a batch now and after every change, until it is done (or `signal` aborts). Changes are read
 * from the live event feed; bursts of events are folded into one snapshot.
 */
export async function* watchBatch(
  ctx: MDMContext,
  batchId: string,
  scope: TenantScope = {},
  signal?: AbortSignal,
): AsyncGenerator<BatchProgress, void> {
  // Every event after this id is seen, so no change between the first snapshot and the subscription is lost.
  const [mark] = await ctx.db.select({ max: sql<string>`coalesce(max(${events.id}), 0)::text` }).from(events);
  let progress = await batchProgress(ctx, batchId, scope);
  yield progress;
  if (progress.done) return;
  const items = await ctx.db
    .select({ deviceId: batchItems.deviceId })
    .from(batchItems)
    .where(eq(batchItems.batchId, batchId));
  const targets = new Set(items.map((i) => i.deviceId));
  const relevant = (event: AnyMDMEvent) =>
    event.deviceId !== null &&
    targets.has(event.deviceId) &&
    (event.type.startsWith('command.') ||
      event.type === 'policy.applied' ||
      event.type === 'device.policyAssigned');
  const iterator = eventFeedOf({ context: ctx })
    .subscribe(
      { tenantId: scope.tenantId ?? null },
      { afterId: mark?.max ?? null, signal, predicate: relevant },
    )
    [Symbol.asyncIterator]();
  const quiet = () => new Promise<null>((resolve) => setTimeout(() => resolve(null), 100).unref?.());
  try {
    let next = iterator.next();
    for (;;) {
      if ((await next).done) return;
      // Fold a burst of events into one snapshot.
      for (;;) {
        next = iterator.next();
        const more = await Promise.race([next, quiet()]);
        if (more === null) break;
        if (more.done) return;
      }
      const latest = await batchProgress(ctx, batchId, scope);
      if (JSON.stringify(latest) !== JSON.stringify(progress)) {
        progress = latest;
        yield progress;
      }
      if (progress.done) return;
    }
  } finally {
    await iterator.return?.();
  }
}
