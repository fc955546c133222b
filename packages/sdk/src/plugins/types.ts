import type { z } from 'zod';
import type { MDMInstance } from '../create-mdm.js';
import type { DatabaseAdapter } from '../db/adapter.js';
import type { Command, CommandInput } from '../domain/command.js';
import type { Device } from '../domain/device.js';
import type { MDMEvent, MDMEventName } from '../domain/event.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { AgentHeartbeat } from '../domain/telemetry.js';
import type { Logger } from '../logger.js';
import type { PluginStore } from './plugin-store.js';

/** What a plugin's hooks, routes and operations receive. */
export interface PluginContext {
  /** The instance the plugin is installed in (managers, `emit`, …). */
  readonly mdm: MDMInstance;
  /** The plugin's own key-value namespace in `mdm_plugin_state`. */
  readonly store: PluginStore;
  readonly database: DatabaseAdapter;
  readonly logger: Logger;
}

/** The device as the heartbeat path knows it: at least its id and tenant. */
export type HeartbeatDevice = Pick<Device, 'id' | 'tenantId'> & Partial<Device>;

export interface HeartbeatHookInput {
  device: HeartbeatDevice;
  /** The heartbeat body as parsed from the agent (spec §4.1). */
  heartbeat: AgentHeartbeat;
}

export interface HeartbeatHookResult {
  /** Commands to queue for this device; they go out in the same heartbeat response. */
  commands?: CommandInput[];
}

export type HeartbeatHook = (
  input: HeartbeatHookInput,
  ctx: PluginContext,
) => HeartbeatHookResult | undefined | Promise<HeartbeatHookResult | undefined>;

/** What `runHeartbeatHooks` hands back to the heartbeat path. */
export interface HeartbeatHooksOutcome {
  /** Commands the hooks queued (already stored as `pending`). */
  commands: Command[];
}

export type HeartbeatHookRunner = (input: HeartbeatHookInput) => Promise<HeartbeatHooksOutcome>;

export interface PolicySettingsValidationInput {
  settings: PolicySettings;
  /** Null while the policy is being created. */
  policyId: string | null;
  tenantId: string | null;
}

export interface PolicySettingsIssue {
  /** Path inside the settings object, e.g. `['mainApp']`. */
  path: (string | number)[];
  message: string;
}

export type PolicySettingsValidator = (
  input: PolicySettingsValidationInput,
  ctx: PluginContext,
) => PolicySettingsIssue[] | undefined | Promise<PolicySettingsIssue[] | undefined>;

/** Throws a ValidationError when any plugin rejects the settings; set on the context by the plugin host. */
export type PolicySettingsCheck = (input: PolicySettingsValidationInput) => Promise<void>;

export type AgentRouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface AgentRouteRequest<B = unknown> {
  request: Request;
  /** The authenticated device (routes with `auth: 'device'`), else null. */
  deviceId: string | null;
  /** Values of the `:name` segments of the route path. */
  params: Record<string, string>;
  /** The JSON body, validated by the route's `body` schema when it has one. */
  body: B;
}

/** A Web Response, or a JSON body with a status (200 by default). */
export type AgentRouteResult = Response | { status?: number; body?: unknown };

/** An extra endpoint under the agent base path (`/mdm/agent/<path>`), contributed by a plugin. */
export interface AgentRoute<S extends z.ZodType = z.ZodType> {
  method: AgentRouteMethod;
  /** Path below the agent base, starting with `/`: `/kiosk/exit`, `/kiosk/:deviceId/state`. */
  path: string;
  /** `device` (the default): the agent handler authenticates the Bearer token and passes the device id. */
  auth?: 'device' | 'none';
  /** Schema of the JSON body; a body that fails it is answered 400 with the issues. */
  body?: S;
  handler(
    request: AgentRouteRequest<z.output<S>>,
    ctx: PluginContext,
  ): AgentRouteResult | Promise<AgentRouteResult>;
}

/** Who calls an admin operation, as the admin layer (tRPC router) knows it. */
export interface AdminActor {
  id: string;
  roles?: string[];
  tenantId?: string | null;
}

/** An operation an admin front end can call by name: `mdm.plugins.call('kiosk', 'enter', input)`. */
export interface AdminOperation<S extends z.ZodType = z.ZodType, O = unknown> {
  description?: string;
  /** `query` reads, `mutation` changes state (admin front ends map this to a permission). */
  kind: 'query' | 'mutation';
  input: S;
  handler(input: z.output<S>, ctx: PluginContext & { actor: AdminActor | null }): O | Promise<O>;
}

export type PluginEventHandlers = {
  [K in MDMEventName]?: (event: MDMEvent<K>, ctx: PluginContext) => void | Promise<void>;
} & { '*'?: (event: MDMEvent, ctx: PluginContext) => void | Promise<void> };

/** SQL a plugin applies once, in order, for tables of its own (generate it with drizzle-kit). */
export interface PluginMigration {
  /** Stable and unique within the plugin, e.g. `0001_geofences`. */
  id: string;
  sql: string;
}
