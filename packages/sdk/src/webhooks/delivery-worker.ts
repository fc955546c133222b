import { setMaxListeners } from 'node:events';
import { and, asc, eq, inArray, isNull, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import type { MDMExecutor } from '../db/adapter.js';
import { webhookDeliveries } from '../db/schema/index.js';
import { backoffDelayMs } from '../util/backoff.js';
import { lockPairs, promoteNext } from './device-order.js';
import type { EndpointRegistry } from './endpoint-registry.js';
import type { WebhookAttempt, WebhookHttpSender } from './http-sender.js';
import type { WebhookSettings } from './options.js';
import { signWebhook } from './signature.js';

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** Every request in flight listens on the shutdown signal, so it may have many listeners. */
function abortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

const d = webhookDeliveries;

/**
 * Delivers the outbox. Rows are claimed with `FOR UPDATE SKIP LOCKED` and leased (`locked_until`), so any
 * number of instances can run the worker without sending a delivery twice. A device's deliveries to one
 * endpoint go out one at a time in event-id order: only the head of that queue is claimable, so a retrying
 * head holds back the ones behind it (device-order.ts).
 */
export interface WebhookWorkerStats {
  /** Deliveries this instance sent and the receiver accepted. */
  delivered: number;
  /** Attempts that failed (each is retried or dead-lettered). */
  failed: number;
  deadLettered: number;
  inFlight: number;
}

export class WebhookDeliveryWorker {
  private readonly counts = { delivered: 0, failed: 0, deadLettered: 0 };
  private inflight = 0;
  private readonly perEndpoint = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = abortController();
  private pumping = false;
  private again = false;
  private kickScheduled = false;
  private active = false;

  constructor(
    private readonly ctx: MDMContext,
    private readonly registry: EndpointRegistry,
    private readonly settings: WebhookSettings,
    private readonly sender: WebhookHttpSender,
  ) {}

  /** Lease on a claimed row: longer than one attempt can take, so it never runs out mid-request. */
  private get leaseSeconds(): number {
    return Math.ceil(this.settings.timeoutMs / 1000) * 2 + 30;
  }

  start(): void {
    this.active = true;
  }

  /** Runs `pump` soon; cheap to call often (calls within one tick coalesce). */
  kick(): void {
    if (!this.active || this.kickScheduled) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      this.pump().catch((error: unknown) =>
        this.ctx.logger.error({ err: error }, 'webhook delivery pump failed'),
      );
    });
  }

  /** Claims as many due deliveries as there are free slots and starts them; resolves to how many started. */
  async pump(): Promise<number> {
    if (this.shutdown.signal.aborted) return 0;
    if (this.pumping) {
      this.again = true;
      return 0;
    }
    this.pumping = true;
    let started = 0;
    try {
      do {
        this.again = false;
        const free = this.settings.concurrency - this.inflight;
        if (free <= 0) break;
        const saturated = [...this.perEndpoint]
          .filter(([, n]) => n >= this.settings.perEndpointConcurrency)
          .map(([id]) => id);
        const rows = await this.claim(free, saturated);
        for (const row of rows) this.launch(row);
        started += rows.length;
        if (rows.length === free) this.again = true;
      } while (this.again && !this.shutdown.signal.aborted);
    } finally {
      this.pumping = false;
    }
    return started;
  }

  /** Waits for deliveries in flight; after `graceMs` they are aborted and their rows released for retry. */
  async stop(graceMs = 2_000): Promise<void> {
    this.active = false;
    if (this.running.size > 0) {
      const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...this.running]), timer]);
    }
    this.shutdown.abort();
    await Promise.allSettled([...this.running]);
  }

  /** What this instance's worker did since it started. */
  stats(): WebhookWorkerStats {
    return { ...this.counts, inFlight: this.inflight };
  }

  /** One statement: lock due heads (skipping rows another instance holds) and lease them. */
  private async claim(limit: number, saturated: string[]): Promise<DeliveryRow[]> {
    // Only heads have a due `next_attempt_at` (see device-order.ts): the scan never meets waiting rows.
    const due = this.ctx.db
      .select({ id: d.id })
      .from(d)
      .where(
        and(
          eq(d.status, 'pending'),
          lte(d.nextAttemptAt, sql`now()`),
          or(isNull(d.lockedUntil), lt(d.lockedUntil, sql`now()`)),
          saturated.length > 0 ? notInArray(d.endpointId, saturated) : undefined,
        ),
      )
      .orderBy(asc(d.eventId))
      .limit(limit)
      .for('update', { skipLocked: true });
    return this.ctx.db
      .update(d)
      .set({
        // Truncated to milliseconds so the lease doubles as a claim token a JS Date can match exactly.
        lockedUntil: sql`date_trunc('milliseconds', now() + make_interval(secs => ${this.leaseSeconds}))`,
        attempts: sql`${d.attempts} + 1`,
        updatedAt: sql`now()`,
      })
      .where(and(inArray(d.id, due), eq(d.status, 'pending')))
      .returning();
  }

  private launch(row: DeliveryRow): void {
    this.inflight++;
    this.perEndpoint.set(row.endpointId, (this.perEndpoint.get(row.endpointId) ?? 0) + 1);
    const run = this.deliver(row)
      .catch((error: unknown) => {
        this.ctx.logger.error({ err: error, deliveryId: row.id }, 'webhook delivery failed unexpectedly');
      })
      .finally(() => {
        this.inflight--;
        const left = (this.perEndpoint.get(row.endpointId) ?? 1) - 1;
        if (left <= 0) this.perEndpoint.delete(row.endpointId);
        else this.perEndpoint.set(row.endpointId, left);
        this.running.delete(run);
        // The next delivery of this device (held back by this one) may be claimable now.
        this.kick();
      });
    this.running.add(run);
  }

  private async deliver(row: DeliveryRow): Promise<void> {
    const endpoint = await this.registry.get(row.endpointId);
    if (!endpoint?.enabled) {
      await this.cancelEndpoint(row, endpoint ? 'endpoint disabled' : 'endpoint deleted');
      return;
    }
    const body = JSON.stringify(row.payload);
    const attempt = await this.sender.send({
      url: endpoint.url,
      headers: { ...signWebhook({ id: row.id, body, secrets: endpoint.secrets }) },
      body,
      timeoutMs: this.settings.timeoutMs,
      allowPrivateNetworks: this.settings.allowPrivateNetworks,
      signal: this.shutdown.signal,
    });
    await this.record(row, attempt);
  }

  private async record(row: DeliveryRow, attempt: WebhookAttempt): Promise<void> {
    if (attempt.ok) {
      this.counts.delivered++;
      await this.settle(row, {
        status: 'delivered',
        deliveredAt: sql`now()`,
        lastStatusCode: attempt.statusCode,
        lastError: null,
        nextAttemptAt: null,
      });
      return;
    }
    if (this.shutdown.signal.aborted) {
      // Interrupted by shutdown: hand the row back untouched for this or another instance.
      await this.settle(row, { attempts: sql`greatest(${d.attempts} - 1, 0)`, nextAttemptAt: sql`now()` });
      return;
    }
    const dead = row.attempts >= this.settings.maxAttempts;
    this.counts.failed++;
    if (dead) this.counts.deadLettered++;
    const delay = backoffDelayMs(row.attempts, {
      baseDelayMs: this.settings.retryBaseDelayMs,
      maxDelayMs: this.settings.retryMaxDelayMs,
    });
    this.ctx.logger.warn(
      { deliveryId: row.id, endpointId: row.endpointId, attempt: row.attempts, dead, error: attempt.error },
      dead ? 'webhook delivery dead-lettered' : 'webhook delivery failed; will retry',
    );
    await this.settle(row, {
      status: dead ? 'dead' : 'pending',
      lastStatusCode: attempt.statusCode,
      lastError: (attempt.error ?? 'failed').slice(0, 1000),
      nextAttemptAt: dead ? null : sql`now() + make_interval(secs => ${delay / 1000})`,
    });
  }

  /**
   * Writes the outcome of a claimed row, only while this worker still holds its lease. A finished row
   * (delivered, dead) hands the head of its device's queue to the next delivery, in the same transaction.
   */
  private async settle(row: DeliveryRow, patch: Partial<Record<keyof DeliveryRow, unknown>>): Promise<void> {
    const lease = row.lockedUntil ? eq(d.lockedUntil, row.lockedUntil) : isNull(d.lockedUntil);
    const pair = row.deviceId ? { endpointId: row.endpointId, deviceId: row.deviceId } : null;
    const handsOver = pair !== null && (patch.status === 'delivered' || patch.status === 'dead');
    const write = async (db: MDMExecutor) => {
      const updated = await db
        .update(d)
        .set({ ...(patch as object), lockedUntil: null, updatedAt: sql`now()` })
        .where(and(eq(d.id, row.id), eq(d.status, 'pending'), lease))
        .returning({ id: d.id });
      if (updated.length === 0) {
        this.ctx.logger.warn(
          { deliveryId: row.id },
          'webhook delivery outcome not saved: its lease ran out or it was cancelled meanwhile',
        );
      }
      return updated.length > 0;
    };
    if (!handsOver) {
      await write(this.ctx.db);
      return;
    }
    await this.ctx.database.transaction(async (tx) => {
      await lockPairs(tx, [pair]);
      if (await write(tx)) await promoteNext(tx, pair);
    });
  }

  /** The endpoint is gone or disabled: every pending delivery to it is cancelled at once. */
  private async cancelEndpoint(row: DeliveryRow, reason: string): Promise<void> {
    await this.ctx.db
      .update(d)
      .set({
        status: 'cancelled',
        lastError: reason,
        nextAttemptAt: null,
        lockedUntil: null,
        updatedAt: sql`now()`,
      })
      .where(and(eq(d.endpointId, row.endpointId), eq(d.status, 'pending')));
  }
}
