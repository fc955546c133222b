import { asc, gt, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import { events } from '../db/schema/index.js';
import type { AnyMDMEvent } from '../domain/event.js';
import { MDMError, ValidationError } from '../errors.js';
import { eventFromRow, queryEvents } from '../events/event-store.js';
import { eventsChannel } from './event-notify.js';

export interface EventFilter {
  /** Only events of this tenant (a tenant's admin never sees another tenant's events). */
  tenantId?: string | null;
  deviceId?: string;
  commandId?: string;
  types?: readonly string[];
}

export interface EventFeedOptions {
  /** Re-reads the log this often even without a notification (a lost NOTIFY, a reconnecting listener). */
  pollIntervalMs?: number;
  /**
   * How long a missing id is waited for before it is taken as a rolled-back transaction. Ids are allocated
   * before commit, so a later id can become visible first; the feed never skips an id younger than this.
   */
  gapTimeoutMs?: number;
  /** A subscriber that falls this many events behind is ended; it resumes from its last id. */
  maxQueue?: number;
}

export interface SubscribeOptions {
  /** Resume point: every stored event after this id is delivered first. */
  afterId?: string | null;
  /** Ends the subscription (a closed connection). */
  signal?: AbortSignal;
  /** Extra condition on live events, after `filter`. */
  predicate?: (event: AnyMDMEvent) => boolean;
}

const PAGE = 500;

class Subscriber {
  private queue: AnyMDMEvent[] = [];
  private wake: (() => void) | null = null;
  failure: MDMError | null = null;

  constructor(
    readonly filter: EventFilter,
    readonly predicate: ((event: AnyMDMEvent) => boolean) | undefined,
    private readonly maxQueue: number,
  ) {}

  push(event: AnyMDMEvent): void {
    if (this.failure || !matches(this.filter, event) || (this.predicate && !this.predicate(event))) return;
    if (this.queue.length >= this.maxQueue) {
      this.failure = new MDMError(
        'STREAM_OVERFLOW',
        'the subscriber fell too far behind; resume from its last id',
      );
      this.queue = [];
    } else {
      this.queue.push(event);
    }
    this.wake?.();
  }

  /** The next queued event, or null once `signal` aborts. */
  async next(signal: AbortSignal | undefined): Promise<AnyMDMEvent | null> {
    for (;;) {
      if (this.failure) throw this.failure;
      const event = this.queue.shift();
      if (event) return event;
      if (signal?.aborted) return null;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wake = null;
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}

export function matches(filter: EventFilter, event: AnyMDMEvent): boolean {
  if (filter.tenantId && event.tenantId !== filter.tenantId) return false;
  if (filter.deviceId && event.deviceId !== filter.deviceId) return false;
  if (filter.commandId && event.commandId !== filter.commandId) return false;
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  return true;
}

/** The tail of `mdm_events` that one instance reads while it has subscribers. */
interface Tail {
  cursor: bigint;
  stop(): Promise<void>;
}

/**
 * A live, resumable view of the event log, shared by every subscriber of one instance. One reader tails
 * `mdm_events` by id (woken by LISTEN/NOTIFY from any instance, by local commits, and by a fallback poll) and
 * fans events out. A subscriber registers before it backfills, and backfills only up to the reader's position
 * at that moment, so it sees every event once: stored ones from the backfill, later ones from the reader.
 */
export class EventFeed {
  private readonly subscribers = new Set<Subscriber>();
  private tail: Promise<Tail> | null = null;
  private current: Tail | null = null;
  private polling = false;
  private pollAgain = false;
  private gap: { id: bigint; since: number } | null = null;
  private readonly options: Required<EventFeedOptions>;

  constructor(
    private readonly ctx: MDMContext,
    options: EventFeedOptions = {},
  ) {
    this.options = {
      pollIntervalMs: options.pollIntervalMs ?? 5000,
      gapTimeoutMs: options.gapTimeoutMs ?? 3000,
      maxQueue: options.maxQueue ?? 10_000,
    };
  }

  /** Number of open subscriptions (for tests and metrics). */
  get size(): number {
    return this.subscribers.size;
  }

  /** Events matching `filter`: the stored ones after `afterId`, then live ones, each exactly once, in id order. */
  async *subscribe(filter: EventFilter, options: SubscribeOptions = {}): AsyncGenerator<AnyMDMEvent, void> {
    const subscriber = new Subscriber(filter, options.predicate, this.options.maxQueue);
    this.subscribers.add(subscriber);
    try {
      const tail = await this.start();
      const boundary = tail.cursor;
      let last = options.afterId ? parseEventId(options.afterId) : boundary;
      while (last < boundary) {
        const page = await queryEvents(this.ctx.db, {
          ...filter,
          types: filter.types ? [...filter.types] : undefined,
          afterId: last.toString(),
          beforeId: (boundary + 1n).toString(),
          order: 'asc',
          limit: PAGE,
        });
        for (const event of page) {
          if (options.signal?.aborted) return;
          last = BigInt(event.id);
          if (!options.predicate || options.predicate(event)) yield event;
        }
        if (page.length < PAGE) last = boundary;
      }
      for (;;) {
        const event = await subscriber.next(options.signal);
        if (!event) return;
        const id = BigInt(event.id);
        if (id <= last) continue;
        last = id;
        yield event;
      }
    } finally {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) await this.stop();
    }
  }

  /**
   * The id up to which the log is delivered: every event after it will reach a subscription resuming from it.
   * The reader's position while it runs, else the newest stored id.
   */
  async position(): Promise<string> {
    if (this.current) return this.current.cursor.toString();
    const [row] = await this.ctx.db
      .select({ max: sql<string>`coalesce(max(${events.id}), 0)::text` })
      .from(events);
    return row?.max ?? '0';
  }

  /** Re-reads the log now (a notification arrived, or a local commit stored events). */
  poke(): void {
    if (!this.current) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    void this.poll();
  }

  private start(): Promise<Tail> {
    this.tail ??= this.open().catch((error: unknown) => {
      this.tail = null;
      throw error;
    });
    return this.tail;
  }

  private async open(): Promise<Tail> {
    const db = this.ctx.db;
    const [row] = await db.select({ max: sql<string>`coalesce(max(${events.id}), 0)::text` }).from(events);
    const poke = () => this.poke();
    const unlisten = await this.ctx.database.listen(eventsChannel, poke).catch((error: unknown) => {
      this.ctx.logger.warn({ err: error }, 'event feed: LISTEN failed; falling back to polling');
      return null;
    });
    const offBus = this.ctx.bus.on('*', poke);
    const timer = setInterval(poke, this.options.pollIntervalMs);
    timer.unref?.();
    const tail: Tail = {
      cursor: BigInt(row?.max ?? '0'),
      async stop() {
        clearInterval(timer);
        offBus();
        await unlisten?.().catch(() => {});
      },
    };
    this.current = tail;
    // Commits between reading max(id) and LISTEN are picked up by this first read.
    this.poke();
    return tail;
  }

  private async stop(): Promise<void> {
    const pending = this.tail;
    this.tail = null;
    this.current = null;
    this.gap = null;
    const tail = await pending?.catch(() => null);
    await tail?.stop();
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        const tail = this.current;
        if (!tail) break;
        if (await this.readOnce(tail)) this.pollAgain = true;
      } while (this.pollAgain);
    } catch (error) {
      this.ctx.logger.warn({ err: error }, 'event feed: reading the event log failed');
    } finally {
      this.polling = false;
    }
  }

  /** Reads one page after the cursor; true when more may be waiting. */
  private async readOnce(tail: Tail): Promise<boolean> {
    const rows = await this.ctx.db
      .select()
      .from(events)
      .where(gt(events.id, tail.cursor))
      .orderBy(asc(events.id))
      .limit(PAGE);
    for (const row of rows) {
      if (this.current !== tail) return false;
      const expected = tail.cursor + 1n;
      if (row.id !== expected && !this.gapExpired(expected)) {
        this.retryLater();
        return false;
      }
      this.gap = null;
      tail.cursor = row.id;
      const event = eventFromRow(row);
      for (const subscriber of this.subscribers) subscriber.push(event);
    }
    return rows.length === PAGE;
  }

  private gapExpired(missing: bigint): boolean {
    const now = Date.now();
    if (!this.gap || this.gap.id !== missing) this.gap = { id: missing, since: now };
    return now - this.gap.since >= this.options.gapTimeoutMs;
  }

  private retryLater(): void {
    const timer = setTimeout(() => this.poke(), Math.min(250, this.options.gapTimeoutMs));
    timer.unref?.();
  }
}

function parseEventId(id: string): bigint {
  if (!/^\d{1,19}$/.test(id)) {
    throw new ValidationError(`invalid event id: ${id}`, [
      { path: ['lastEventId'], message: 'invalid event id' },
    ]);
  }
  return BigInt(id);
}

const feeds = new WeakMap<MDMContext, EventFeed>();

/** The event feed of an MDM instance (created on first use; options apply to that first call). */
export function eventFeedOf(mdm: { context: MDMContext }, options?: EventFeedOptions): EventFeed {
  let feed = feeds.get(mdm.context);
  if (!feed) {
    feed = new EventFeed(mdm.context, options);
    feeds.set(mdm.context, feed);
  }
  return feed;
}
