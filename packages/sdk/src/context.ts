import type { DatabaseAdapter, MDMTransaction } from './db/adapter.js';
import type { AnyMDMEvent, MDMEventName, NewEvent } from './domain/event.js';
import type { EventBus } from './events/event-bus.js';
import { insertEvents } from './events/event-store.js';
import type { Logger } from './logger.js';
import type {
  HeartbeatHookInput,
  HeartbeatHookRunner,
  HeartbeatHooksOutcome,
  PolicySettingsCheck,
  PolicySettingsValidationInput,
} from './plugins/types.js';

/** Collects the events of one transaction; they are stored with it and dispatched after it commits. */
export interface EventSink {
  add<K extends MDMEventName>(event: NewEvent<K>): void;
}

/** Runs inside the transaction that stored `events`, e.g. to write a webhook outbox row atomically. */
export type EventsStoredHook = ((tx: MDMTransaction, events: readonly AnyMDMEvent[]) => Promise<void>) & {
  /**
   * True when the hook knows, without a query, that it has nothing to write right now. When every hook is
   * idle, a hot path may store its events in a single autocommitted statement instead of a transaction.
   */
  idle?: () => boolean;
};
/** Runs after the transaction committed. */
export type EventsCommittedHook = (events: readonly AnyMDMEvent[]) => void;

export interface InternalSettings {
  /** Default time-to-live of a command before it expires, in seconds. */
  commandTtlSeconds: number;
  /** A device is online when seen within this many seconds. */
  onlineWindowSeconds: number;
}

/** What every manager shares: the database, the logger, the bus and the write path. */
export class MDMContext {
  readonly eventsStoredHooks: EventsStoredHook[] = [];
  readonly eventsCommittedHooks: EventsCommittedHook[] = [];
  /** Set by the plugin host (src/plugins): runs the plugins' heartbeat hooks. */
  heartbeatHookRunner: HeartbeatHookRunner | null = null;
  /** Set by the plugin host (src/plugins): lets plugins reject policy settings. */
  policySettingsCheck: PolicySettingsCheck | null = null;

  constructor(
    readonly database: DatabaseAdapter,
    readonly logger: Logger,
    readonly bus: EventBus,
    readonly settings: InternalSettings,
  ) {}

  get db() {
    return this.database.db;
  }

  /**
   * The heartbeat path's plugin hook: call it with the device and the parsed heartbeat body after the
   * heartbeat is stored and before the pending commands are taken (outside that transaction), so commands the
   * hooks queue go out in the same response. Never throws because of a plugin.
   */
  runHeartbeatHooks(input: HeartbeatHookInput): Promise<HeartbeatHooksOutcome> {
    return this.heartbeatHookRunner ? this.heartbeatHookRunner(input) : Promise.resolve({ commands: [] });
  }

  /** Lets plugins reject policy settings; throws a ValidationError with paths under `settings`. */
  async validatePolicySettings(input: PolicySettingsValidationInput): Promise<void> {
    await this.policySettingsCheck?.(input);
  }

  /**
   * Runs `fn` in a transaction. Events added to the sink are appended to `mdm_events` in the same
   * transaction, then dispatched to in-process handlers once it has committed.
   */
  async transact<T>(fn: (tx: MDMTransaction, events: EventSink) => Promise<T>): Promise<T> {
    return (await this.transactWithEvents(fn)).value;
  }

  /** Like `transact`, and also returns the events as stored (with their ids). */
  async transactWithEvents<T>(
    fn: (tx: MDMTransaction, events: EventSink) => Promise<T>,
  ): Promise<{ value: T; events: AnyMDMEvent[] }> {
    let stored: AnyMDMEvent[] = [];
    const value = await this.database.transaction(async (tx) => {
      const pending: NewEvent[] = [];
      const result = await fn(tx, { add: (event) => pending.push(event as unknown as NewEvent) });
      stored = await this.storeEvents(tx, pending);
      return result;
    });
    if (stored.length > 0) this.committed(stored);
    return { value, events: stored };
  }

  /** True when no in-transaction hook has work to do, so a single statement needs no explicit transaction. */
  eventsStoredHooksIdle(): boolean {
    return this.eventsStoredHooks.every((hook) => hook.idle?.() === true);
  }

  /** Appends events inside an open transaction and runs the in-transaction hooks (webhook outbox …). */
  async storeEvents(tx: MDMTransaction, pending: NewEvent[]): Promise<AnyMDMEvent[]> {
    if (pending.length === 0) return [];
    const stored = await insertEvents(tx, pending);
    for (const hook of this.eventsStoredHooks) await hook(tx, stored);
    return stored;
  }

  /** Hands events that were stored by a committed transaction to hooks and handlers. */
  committed(stored: AnyMDMEvent[]): void {
    for (const hook of this.eventsCommittedHooks) {
      try {
        hook(stored);
      } catch (error) {
        this.logger.error({ err: error }, 'events committed hook failed');
      }
    }
    this.bus.dispatch(stored);
  }
}
