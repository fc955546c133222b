export { type AgentRouteMatch, AgentRouteTable } from './agent-routes.js';
export { adminOperation, agentRoute, definePlugin } from './define.js';
export { PluginHost, type PluginInfo } from './plugin-host.js';
export type { PluginStore, PluginStoreEntry } from './plugin-store.js';
export type * from './types.js';
