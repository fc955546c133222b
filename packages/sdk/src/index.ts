export * from './admin/index.js';
export * from './agent-http/index.js';
export type { MDMConfig, MDMOptions, MDMPlugin, WebhookEndpointConfig } from './config.js';
export { mdmOptionsSchema } from './config.js';
export type { EventSink } from './context.js';
export { MDMContext } from './context.js';
export { createMDM, type MDMInstance } from './create-mdm.js';
export type { DatabaseAdapter, MDMDatabase, MDMExecutor, MDMTransaction } from './db/adapter.js';
export { drizzleAdapter } from './db/drizzle/drizzle-adapter.js';
export { postgresAdapter } from './db/drizzle/node-postgres.js';
export { pgliteAdapter } from './db/drizzle/pglite.js';
export * from './domain/app.js';
export * from './domain/command.js';
export * from './domain/command-payloads.js';
export * from './domain/common.js';
export * from './domain/device.js';
export type * from './domain/event.js';
export * from './domain/group.js';
export { newId } from './domain/ids.js';
export * from './domain/policy.js';
export * from './domain/policy-settings.js';
export * from './domain/telemetry.js';
export * from './errors.js';
export type { AnyEventHandler, EventHandler } from './events/event-bus.js';
export type { EventQuery } from './events/event-store.js';
export * from './jobs/index.js';
export { type Logger, silentLogger } from './logger.js';
export { AppManager } from './managers/apps.js';
export { CommandManager, type DeviceScope } from './managers/commands.js';
export { type DeviceCreateInput, DeviceManager, deviceCreateSchema } from './managers/devices.js';
export { GroupManager } from './managers/groups.js';
export { PolicyManager, type TenantScope } from './managers/policies.js';
export * from './plugins/index.js';
export * from './protocol/index.js';
export {
  type PushDispatchConfig,
  PushDispatcher,
  type PushDispatchStats,
} from './push/dispatcher.js';
export * from './push/types.js';
export * from './storage/index.js';
export * from './webhooks/index.js';
export {
  webhookCreateSchema,
  webhookDeliveryQuerySchema,
  webhookDeliveryStatuses,
  webhookUpdateSchema,
} from './webhooks/types.js';
