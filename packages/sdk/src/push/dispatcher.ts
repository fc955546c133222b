import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { MDMContext } from '../context.js';
import { commands, devices } from '../db/schema/index.js';
import type { Command } from '../domain/command.js';
import { criticalCommandTypes } from '../domain/command-payloads.js';
import type { CommandManager } from '../managers/commands.js';
import { backoffDelayMs } from '../util/backoff.js';
import { parseInput } from '../util/validate.js';
import type { PushAdapter, PushMessage, PushResult, PushTarget } from './types.js';

export interface PushDispatchConfig {
  /** Commands claimed per dispatch round (default 200). */
  batchSize?: number;
  /** How long a claimed command is reserved for one dispatcher (default 60 s). */
  leaseSeconds?: number;
  /** Delay before the first retry of a failed wake-up; doubles each time, with jitter (default 5 000 ms). */
  retryBaseDelayMs?: number;
  /** Longest retry delay (default 15 minutes). */
  retryMaxDelayMs?: number;
  /** Push attempts per command before giving up on push; the heartbeat still delivers (default 10). */
  maxAttempts?: number;
  /** Wake devices whose policy changed (default on), coalesced and rate limited. */
  policyWakeUps?: boolean | { coalesceMs?: number; maxPerSecond?: number };
}

const policyWakeUpsSchema = z.strictObject({
  /** Changes within this window are sent as one wake-up per device (default 500 ms). */
  coalesceMs: z.number().int().min(0).max(60_000).default(500),
  /** Policy wake-ups per second at most, so a change to a large group does not flood the push service. */
  maxPerSecond: z.number().int().min(1).max(100_000).default(500),
});

const configSchema = z.strictObject({
  batchSize: z.number().int().min(1).max(5000).default(200),
  leaseSeconds: z.number().int().min(5).max(3600).default(60),
  retryBaseDelayMs: z.number().int().min(10).max(86_400_000).default(5_000),
  retryMaxDelayMs: z
    .number()
    .int()
    .min(10)
    .max(7 * 86_400_000)
    .default(900_000),
  maxAttempts: z.number().int().min(1).max(100).default(10),
  policyWakeUps: z
    .union([z.boolean(), policyWakeUpsSchema])
    .default(true)
    .transform((v) => (v === false ? null : policyWakeUpsSchema.parse(v === true ? {} : v))),
});

export type PushDispatchSettings = z.output<typeof configSchema>;

export interface PushDispatchStats {
  /** Wake-ups the adapter accepted for commands. */
  commandPushes: number;
  commandPushFailures: number;
  /** Policy wake-ups the adapter accepted. */
  policyWakeUps: number;
  policyWakeUpFailures: number;
  /** Device push tokens removed because the push service rejected them. */
  tokensRemoved: number;
}

interface ClaimedDevice {
  target: PushTarget;
  commands: { id: string; attempts: number }[];
  urgent: boolean;
}

/** `tree`: the groups matching `root` and all their sub-groups. */
function groupTree(root: SQL): SQL {
  return sql`with recursive tree(id) as (
    select id from mdm_groups where ${root}
    union
    select g.id from mdm_groups g join tree t on g.parent_id = t.id
  )`;
}

/** Devices (`d`) that can be woken: not deleted, still managed. */
const wakeable = sql`d.deleted_at is null and d.status in ('pending', 'enrolled', 'unenrolling')`;

type PushFailure = Extract<PushResult, { ok: false }>;

function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

/**
 * Push wake-ups. A new command is pushed at once; it becomes `sent` only when the adapter accepted the
 * wake-up. A failed wake-up leaves it `pending` and schedules a retry with exponential backoff (the push-retry
 * job picks it up); whatever push does, the next heartbeat delivers it. Policy changes wake the devices they
 * affect, coalesced and rate limited.
 */
export class PushDispatcher {
  readonly settings: PushDispatchSettings;
  readonly stats: PushDispatchStats = {
    commandPushes: 0,
    commandPushFailures: 0,
    policyWakeUps: 0,
    policyWakeUpFailures: 0,
    tokensRemoved: 0,
  };
  private readonly unsubscribers: (() => void)[] = [];
  private stopped = false;
  private kickScheduled = false;
  private dispatching: Promise<number> | null = null;
  private dispatchAgain = false;
  private readonly wakeQueue = new Set<string>();
  private wakeTimer: NodeJS.Timeout | null = null;
  private waking: Promise<void> | null = null;
  private readonly pendingLookups = new Set<Promise<void>>();

  constructor(
    private readonly ctx: MDMContext,
    private readonly commandManager: CommandManager,
    readonly adapter: PushAdapter,
    config: PushDispatchConfig = {},
  ) {
    this.settings = parseInput(configSchema, config, 'createMDM config.pushDispatch');
    const onCreated = () => this.kick();
    commandManager.createdListeners.push(onCreated);
    this.unsubscribers.push(() => {
      const index = commandManager.createdListeners.indexOf(onCreated);
      if (index >= 0) commandManager.createdListeners.splice(index, 1);
    });
    if (this.settings.policyWakeUps) this.subscribePolicyChanges();
  }

  /** Dispatches due wake-ups soon; calls within one tick coalesce. */
  kick(): void {
    if (this.stopped || this.kickScheduled) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      this.dispatchDue().catch((error: unknown) =>
        this.ctx.logger.error({ err: error }, 'push dispatch failed'),
      );
    });
  }

  /**
   * Claims pending commands whose wake-up is due (new ones and retries) and pushes one wake-up per device;
   * repeats while full batches come back. Resolves to the number of commands handled. Safe on any number of
   * instances: claims use `FOR UPDATE SKIP LOCKED` and a lease.
   */
  dispatchDue(): Promise<number> {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return this.dispatching;
    }
    this.dispatching = (async () => {
      let handled = 0;
      try {
        do {
          this.dispatchAgain = false;
          const batch = await this.dispatchBatch();
          handled += batch;
          if (batch === this.settings.batchSize) this.dispatchAgain = true;
        } while (this.dispatchAgain && !this.stopped);
      } finally {
        this.dispatching = null;
      }
      return handled;
    })();
    return this.dispatching;
  }

  /** Queues a `sync` wake-up for devices (deduplicated, coalesced and rate limited). */
  wakeDevices(deviceIds: Iterable<string>): void {
    if (this.stopped || !this.settings.policyWakeUps) return;
    for (const id of deviceIds) this.wakeQueue.add(id);
    if (this.wakeQueue.size > 0 && !this.wakeTimer && !this.waking) {
      this.wakeTimer = setTimeout(() => this.flushWakeUps(), this.settings.policyWakeUps.coalesceMs);
    }
  }

  /** Resolves once no dispatch, policy lookup or queued wake-up is left (for tests and shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [this.dispatching, this.waking, ...this.pendingLookups].filter(Boolean);
      if (busy.length === 0 && !this.kickScheduled && !this.wakeTimer && this.wakeQueue.size === 0) return;
      if (busy.length > 0) await Promise.allSettled(busy);
      else await new Promise((resolve) => setTimeout(resolve, 10));
      if (this.stopped && busy.length === 0) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.wakeQueue.clear();
    await Promise.allSettled([this.dispatching, this.waking, ...this.pendingLookups]);
  }

  private async dispatchBatch(): Promise<number> {
    const claimed = await this.commandManager.claimForPush(
      this.settings.batchSize,
      this.settings.leaseSeconds,
    );
    if (claimed.length === 0) return 0;
    const byDevice = await this.groupByDevice(claimed);
    for (const priority of ['high', 'normal'] as const) {
      const group = [...byDevice.values()].filter((d) => (priority === 'high') === d.urgent);
      if (group.length === 0) continue;
      const message: PushMessage = { type: 'command', priority };
      if (group.length === 1 && group[0]!.commands.length === 1)
        message.commandId = group[0]!.commands[0]!.id;
      const results = await this.send(
        group.map((d) => d.target),
        message,
      );
      const accepted: ClaimedDevice[] = [];
      const refused: { device: ClaimedDevice; result: PushFailure }[] = [];
      for (const device of group) {
        const result = results.get(device.target.deviceId) ?? {
          deviceId: device.target.deviceId,
          ok: false,
          reason: 'transient',
          error: 'the push adapter returned no result for this device',
        };
        if (result.ok) accepted.push(device);
        else refused.push({ device, result });
      }
      await this.markSent(accepted);
      await eachLimited(refused, 8, ({ device, result }) => this.recordFailure(device, result));
    }
    return claimed.length;
  }

  private async groupByDevice(claimed: Command[]): Promise<Map<string, ClaimedDevice>> {
    const rows = await this.ctx.db
      .select({
        id: commands.id,
        attempts: commands.pushAttempts,
        deviceId: commands.deviceId,
        provider: devices.pushProvider,
        token: devices.pushToken,
      })
      .from(commands)
      .innerJoin(devices, eq(devices.id, commands.deviceId))
      .where(
        inArray(
          commands.id,
          claimed.map((c) => c.id),
        ),
      );
    const types = new Map(claimed.map((c) => [c.id, c.type]));
    const byDevice = new Map<string, ClaimedDevice>();
    for (const row of rows) {
      let device = byDevice.get(row.deviceId);
      if (!device) {
        device = {
          target: { deviceId: row.deviceId, provider: row.provider, token: row.token },
          commands: [],
          urgent: false,
        };
        byDevice.set(row.deviceId, device);
      }
      device.commands.push({ id: row.id, attempts: row.attempts });
      if (criticalCommandTypes.includes(types.get(row.id)!)) device.urgent = true;
    }
    return byDevice;
  }

  /** One sendMany; an adapter that throws counts as a transient failure for every target. */
  private async send(targets: PushTarget[], message: PushMessage): Promise<Map<string, PushResult>> {
    let results: PushResult[];
    try {
      results = await this.adapter.sendMany(targets, message);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      results = targets.map((t) => ({ deviceId: t.deviceId, ok: false, reason: 'transient', error: text }));
    }
    return new Map(results.map((r) => [r.deviceId, r]));
  }

  /**
   * The push service accepted these wake-ups: their commands become `sent` together, in one transaction.
   * Commands cancelled, expired or taken by a heartbeat meanwhile are left as they are.
   */
  private async markSent(accepted: ClaimedDevice[]): Promise<void> {
    if (accepted.length === 0) return;
    this.stats.commandPushes += accepted.length;
    const ids = accepted.flatMap((device) => device.commands.map((c) => c.id));
    let marked: Command[];
    try {
      marked = await this.commandManager.markSentMany(ids);
    } catch (error) {
      // The commands stay pending under their push lease: the heartbeat delivers them, or a later push.
      this.ctx.logger.warn({ err: error, commands: ids.length }, 'commands not marked sent after their push');
      return;
    }
    if (marked.length < ids.length) {
      this.ctx.logger.debug(
        { accepted: ids.length, marked: marked.length },
        'some commands were no longer pending after their push',
      );
    }
  }

  private async recordFailure(device: ClaimedDevice, result: PushFailure): Promise<void> {
    this.stats.commandPushFailures++;
    if (result.reason === 'invalid_token') await this.removePushToken(device.target, result.error);
    for (const command of device.commands) {
      const retryAt =
        result.reason === 'transient' && command.attempts < this.settings.maxAttempts
          ? new Date(
              Date.now() +
                backoffDelayMs(command.attempts, {
                  baseDelayMs: this.settings.retryBaseDelayMs,
                  maxDelayMs: this.settings.retryMaxDelayMs,
                }),
            )
          : null;
      await this.commandManager.recordPushFailure(command.id, `${result.reason}: ${result.error}`, retryAt);
    }
    this.ctx.logger.warn(
      { deviceId: device.target.deviceId, reason: result.reason, error: result.error },
      'push wake-up failed; the command stays pending for the next heartbeat',
    );
  }

  /** Forgets a token the push service rejected (only if the device still has that token) and records it. */
  private async removePushToken(target: PushTarget, error: string): Promise<void> {
    if (!target.token) return;
    const removed = await this.ctx.transact(async (tx, events) => {
      const [row] = await tx
        .update(devices)
        .set({ pushToken: null, pushProvider: null, updatedAt: sql`now()` })
        .where(and(eq(devices.id, target.deviceId), eq(devices.pushToken, target.token!)))
        .returning({ tenantId: devices.tenantId });
      if (!row) return false;
      events.add({
        type: 'device.pushTokenRemoved',
        payload: {
          deviceId: target.deviceId,
          provider: target.provider,
          reason: `rejected by the push service: ${error}`,
        },
        deviceId: target.deviceId,
        tenantId: row.tenantId,
      });
      return true;
    });
    if (removed) this.stats.tokensRemoved++;
  }

  private subscribePolicyChanges(): void {
    const { bus } = this.ctx;
    const track = (lookup: () => Promise<string[]>) => {
      if (this.stopped) return;
      const run = lookup()
        .then((ids) => this.wakeDevices(ids))
        .catch((error: unknown) => this.ctx.logger.error({ err: error }, 'policy wake-up lookup failed'))
        .finally(() => this.pendingLookups.delete(run));
      this.pendingLookups.add(run);
    };
    this.unsubscribers.push(
      bus.on('policy.updated', (e) => {
        if (e.payload.settingsChanged) track(() => this.devicesUsingPolicy(e.payload.policyId));
      }),
      bus.on('policy.rolledBack', (e) => track(() => this.devicesUsingPolicy(e.payload.policyId))),
      bus.on('device.policyAssigned', (e) => this.wakeDevices([e.payload.deviceId])),
      bus.on('device.groupsChanged', (e) => this.wakeDevices([e.payload.deviceId])),
      bus.on('group.updated', (e) => {
        if (e.payload.changes.some((c) => c === 'policyId' || c === 'parentId' || c === 'priority')) {
          track(() => this.devicesInGroupTree(e.payload.groupId));
        }
      }),
    );
  }

  /**
   * Devices whose effective policy may be `policyId`: assigned directly, applied last, members of a group
   * (or a sub-group) carrying it, or, for a default policy, devices without a direct assignment. Waking a
   * device that turns out to use another policy costs one heartbeat.
   */
  private async devicesUsingPolicy(policyId: string): Promise<string[]> {
    const result = await this.ctx.db.execute(sql`
      ${groupTree(sql`policy_id = ${policyId}`)}
      select d.id from mdm_devices d
      left join mdm_policies p on p.id = ${policyId}
      where ${wakeable}
        and (d.policy_id = ${policyId}
          or d.applied_policy_id = ${policyId}
          or exists (select 1 from mdm_device_groups dg join tree t on t.id = dg.group_id where dg.device_id = d.id)
          or (p.is_default and d.policy_id is null and coalesce(d.tenant_id, '') = coalesce(p.tenant_id, '')))
    `);
    return rowsOf<{ id: string }>(result).map((r) => r.id);
  }

  private async devicesInGroupTree(groupId: string): Promise<string[]> {
    const result = await this.ctx.db.execute(sql`
      ${groupTree(sql`id = ${groupId}`)}
      select distinct d.id from mdm_device_groups dg
      join tree t on t.id = dg.group_id
      join mdm_devices d on d.id = dg.device_id
      where ${wakeable}
    `);
    return rowsOf<{ id: string }>(result).map((r) => r.id);
  }

  private flushWakeUps(): void {
    this.wakeTimer = null;
    const limits = this.settings.policyWakeUps;
    if (this.stopped || !limits) return;
    this.waking = (async () => {
      while (this.wakeQueue.size > 0 && !this.stopped) {
        const started = Date.now();
        const chunk = [...this.wakeQueue].slice(0, limits.maxPerSecond);
        for (const id of chunk) this.wakeQueue.delete(id);
        await this.sendWakeUps(chunk);
        const wait = 1000 - (Date.now() - started);
        if (this.wakeQueue.size > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    })()
      .catch((error: unknown) => this.ctx.logger.error({ err: error }, 'policy wake-ups failed'))
      .finally(() => {
        this.waking = null;
        if (this.wakeQueue.size > 0) this.wakeDevices([]);
      });
  }

  private async sendWakeUps(deviceIds: string[]): Promise<void> {
    const rows = await this.ctx.db
      .select({ deviceId: devices.id, provider: devices.pushProvider, token: devices.pushToken })
      .from(devices)
      .where(inArray(devices.id, deviceIds));
    if (rows.length === 0) return;
    const results = await this.send(rows, { type: 'policy', priority: 'normal' });
    for (const target of rows) {
      const result = results.get(target.deviceId);
      if (result?.ok) {
        this.stats.policyWakeUps++;
        continue;
      }
      this.stats.policyWakeUpFailures++;
      if (result?.reason === 'invalid_token') await this.removePushToken(target, result.error);
    }
  }
}
