import { type MDMConfig, type MDMOptions, mdmOptionsSchema } from './config.js';
import { MDMContext } from './context.js';
import type { DatabaseAdapter } from './db/adapter.js';
import { pgliteAdapter } from './db/drizzle/pglite.js';
import type { AnyMDMEvent, MDMEventMap, MDMEventName } from './domain/event.js';
import { type AnyEventHandler, EventBus, type EventHandler } from './events/event-bus.js';
import { type EventQuery, queryEvents } from './events/event-store.js';
import { type Logger, silentLogger } from './logger.js';
import { AppManager } from './managers/apps.js';
import { CommandManager } from './managers/commands.js';
import { DeviceManager } from './managers/devices.js';
import { GroupManager } from './managers/groups.js';
import { PolicyManager } from './managers/policies.js';
import { parseInput } from './util/validate.js';

export interface MDMInstance {
  readonly devices: DeviceManager;
  readonly policies: PolicyManager;
  readonly commands: CommandManager;
  readonly apps: AppManager;
  readonly groups: GroupManager;
  readonly database: DatabaseAdapter;
  readonly logger: Logger;
  readonly options: MDMOptions;
  readonly config: MDMConfig;
  /** Subscribes to an event (or `*` for all); returns an unsubscribe function. */
  on(type: '*', handler: AnyEventHandler): () => void;
  on<K extends MDMEventName>(type: K, handler: EventHandler<K>): () => void;
  off(type: '*', handler: AnyEventHandler): void;
  off<K extends MDMEventName>(type: K, handler: EventHandler<K>): void;
  /** Appends an event to the log and delivers it to handlers; resolves to the stored event. */
  emit<K extends MDMEventName>(
    type: K,
    payload: MDMEventMap[K],
    refs?: { deviceId?: string | null; commandId?: string | null; tenantId?: string | null },
  ): Promise<AnyMDMEvent>;
  /** Reads the event log. */
  events(query?: EventQuery): Promise<AnyMDMEvent[]>;
  /** Applies the committed migrations (idempotent). */
  migrate(): Promise<void>;
  /** Migrates and starts what runs in the background; call once at start-up. */
  ready(): Promise<void>;
  /** Stops background work and closes connections the SDK opened. */
  close(): Promise<void>;
  /** Internal wiring shared with the protocol layer and plugins. */
  readonly context: MDMContext;
}

/** Creates an OpenMDM instance. Without a `database`, state lives in an embedded PGlite. */
export function createMDM(config: MDMConfig = {}): MDMInstance {
  const options = parseInput(mdmOptionsSchema, config, 'createMDM config');
  const logger = config.logger ?? silentLogger;
  const database =
    config.database ?? pgliteAdapter(options.embedded.dataDir ? { dataDir: options.embedded.dataDir } : {});
  const bus = new EventBus(logger);
  const context = new MDMContext(database, logger, bus, {
    commandTtlSeconds: options.commands.defaultTtlSeconds,
    onlineWindowSeconds: options.devices.onlineWindowSeconds,
  });
  const policies = new PolicyManager(context);
  const commands = new CommandManager(context);
  const devices = new DeviceManager(context, policies, commands);
  let readyPromise: Promise<void> | null = null;
  let closed = false;

  const instance: MDMInstance = {
    devices,
    policies,
    commands,
    apps: new AppManager(context),
    groups: new GroupManager(context),
    database,
    logger,
    options,
    config,
    context,
    on: ((type: string, handler: AnyEventHandler) => bus.on(type as '*', handler)) as MDMInstance['on'],
    off: ((type: string, handler: AnyEventHandler) => bus.off(type as '*', handler)) as MDMInstance['off'],
    async emit(type, payload, refs = {}) {
      const { events } = await context.transactWithEvents(async (_tx, sink) => {
        sink.add({ type, payload, ...refs });
      });
      return events[0]!;
    },
    events: (query = {}) => queryEvents(database.db, query),
    migrate: () => database.migrate(),
    ready() {
      readyPromise ??= (async () => {
        await database.migrate();
        logger.info({ driver: database.driver }, 'openmdm ready');
      })();
      return readyPromise;
    },
    async close() {
      if (closed) return;
      closed = true;
      await readyPromise?.catch(() => {});
      await database.close();
    },
  };
  return instance;
}
