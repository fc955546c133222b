import { installAdminHooks } from './admin/install.js';
import { type MDMConfig, type MDMOptions, mdmOptionsSchema } from './config.js';
import { MDMContext } from './context.js';
import type { DatabaseAdapter } from './db/adapter.js';
import { pgliteAdapter } from './db/drizzle/pglite.js';
import type { AnyMDMEvent, MDMEventMap, MDMEventName } from './domain/event.js';
import { type AnyEventHandler, EventBus, type EventHandler } from './events/event-bus.js';
import { type EventQuery, queryEvents } from './events/event-store.js';
import type { JobRunner } from './jobs/job-runner.js';
import { type Logger, silentLogger } from './logger.js';
import { AppManager } from './managers/apps.js';
import { CommandManager } from './managers/commands.js';
import { DeviceManager } from './managers/devices.js';
import { GroupManager } from './managers/groups.js';
import { PolicyManager } from './managers/policies.js';
import type { AgentRouteTable } from './plugins/agent-routes.js';
import type { PluginHost } from './plugins/plugin-host.js';
import {
  AgentProtocol,
  type AuthenticatedDevice,
  type TokenRefreshResult,
} from './protocol/agent-protocol.js';
import type { EnrollmentResult } from './protocol/enrollment.js';
import type { EnrollmentMeta } from './protocol/enrollment-hook.js';
import type { HeartbeatResponse } from './protocol/heartbeat.js';
import type { PushDispatcher } from './push/dispatcher.js';
import { MDMServices } from './services.js';
import type { StorageManager } from './storage/storage-manager.js';
import { parseInput } from './util/validate.js';
import type { WebhookManager } from './webhooks/webhook-manager.js';

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
  /** Enrols a device (spec §3): the body of `POST /agent/enroll`, proven by the fleet HMAC or its pinned key. */
  enroll(request: unknown, meta?: EnrollmentMeta): Promise<EnrollmentResult>;
  /** Stores a device's heartbeat and answers its open commands and policy update (spec §4). */
  processHeartbeat(deviceId: string, body: unknown): Promise<HeartbeatResponse>;
  /** Verifies a device access token, and that the device is not blocked, unenrolled or deleted. */
  verifyDeviceToken(token: string): Promise<AuthenticatedDevice>;
  /** Exchanges a refresh token for a new access token and a rotated refresh token. */
  refreshDeviceToken(refreshToken: string): Promise<TokenRefreshResult>;
  /** The device side, scoped to one device: `agent.acknowledge(deviceId, commandId)`, `complete`, `fail` … */
  readonly agent: AgentProtocol;
  /** Webhook endpoints and deliveries: create, list, get, update, delete, test, deliveries, replay. */
  readonly webhooks: WebhookManager;
  /** Installed plugins: `list`, `get`, `call(plugin, operation, input)`, `store(plugin)`. */
  readonly plugins: PluginHost;
  /** Agent routes contributed by plugins; the agent handler serves `agentRoutes.match(method, path)`. */
  readonly agentRoutes: AgentRouteTable;
  /** APK hosting: `upload`, `url`, `uploadAppVersion`, `installApp` (throws STORAGE_NOT_CONFIGURED without `storage`). */
  readonly storage: StorageManager;
  /** Serves the signed download URLs of `storage` (GET/HEAD); mount it at `storage.publicUrl`. */
  handleStorageRequest(request: Request): Promise<Response>;
  /** Push wake-ups (null without a `push` adapter). */
  readonly push: PushDispatcher | null;
  /** The background jobs: `status()`, and `runOnce(name)` for hosts that run them on their own schedule. */
  readonly jobs: JobRunner;
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
  installAdminHooks(context);
  const policies = new PolicyManager(context);
  const commands = new CommandManager(context);
  const devices = new DeviceManager(context, policies, commands);
  const agent = new AgentProtocol(context, options, config, commands, policies);
  const services = new MDMServices(context, config, commands, () => instance);
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
    agent,
    enroll: (request, meta) => agent.enroll(request, meta),
    processHeartbeat: (deviceId, body) => agent.heartbeat(deviceId, body),
    verifyDeviceToken: (token) => agent.authenticate(token),
    refreshDeviceToken: (refreshToken) => agent.refreshToken({ refreshToken }),
    webhooks: services.webhooks.manager,
    plugins: services.plugins,
    agentRoutes: services.plugins.agentRoutes,
    storage: services.storage,
    handleStorageRequest: (request) => services.storage.handleRequest(request),
    push: services.push,
    jobs: services.jobs,
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
        await services.start();
        logger.info({ driver: database.driver }, 'openmdm ready');
      })();
      return readyPromise;
    },
    async close() {
      if (closed) return;
      closed = true;
      await readyPromise?.catch(() => {});
      await agent.drain();
      await services.stop();
      await database.close();
    },
  };
  return instance;
}
