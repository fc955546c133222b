import { z } from 'zod';
import type { DatabaseAdapter } from './db/adapter.js';
import type { JobsConfig } from './jobs/options.js';
import type { Logger } from './logger.js';
import type {
  AdminOperation,
  AgentRoute,
  HeartbeatHook,
  PluginContext,
  PluginEventHandlers,
  PluginMigration,
  PolicySettingsValidator,
} from './plugins/types.js';
import type { EnrollmentValidateHook } from './protocol/enrollment-hook.js';
import type { PushDispatchConfig } from './push/dispatcher.js';
import type { PushAdapter } from './push/types.js';
import type { StorageConfig } from './storage/options.js';
import type { WebhooksConfig } from './webhooks/options.js';

/** Options validated at start-up; a bad value fails fast with the path of the offending key. */
export const mdmOptionsSchema = z.object({
  enrollment: z
    .object({
      /** Shared secret compiled into the agent (HMAC enrolment). */
      deviceSecret: z.string().min(8, 'deviceSecret must be at least 8 characters'),
      /** Accepted clock skew of the HMAC timestamp, in seconds (default 900). */
      timestampWindowSeconds: z.number().int().min(30).max(86_400).default(900),
      /** Devices start `pending` and need `devices.approve` before they are managed. */
      requireApproval: z.boolean().default(false),
      /** Lifetime of a pinned-key challenge, in seconds (default 300). */
      challengeTtlSeconds: z.number().int().min(10).max(3600).default(300),
    })
    .optional(),
  auth: z
    .object({
      /** Secret for the device access tokens (HS256); at least 32 characters. */
      deviceTokenSecret: z.string().min(32, 'deviceTokenSecret must be at least 32 characters'),
      accessTokenTtlSeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86_400)
        .default(3600),
      refreshTokenTtlSeconds: z
        .number()
        .int()
        .min(3600)
        .max(730 * 86_400)
        .default(180 * 86_400),
      issuer: z.string().min(1).default('openmdm'),
      audience: z.string().min(1).default('openmdm-agent'),
    })
    .optional(),
  commands: z
    .object({
      defaultTtlSeconds: z
        .number()
        .int()
        .min(1)
        .default(7 * 86_400),
    })
    .default({ defaultTtlSeconds: 7 * 86_400 }),
  devices: z
    .object({ onlineWindowSeconds: z.number().int().min(10).default(300) })
    .default({ onlineWindowSeconds: 300 }),
  /** Embedded database options, used when no `database` is given. */
  embedded: z.object({ dataDir: z.string().min(1).optional() }).default({}),
});

export type MDMOptions = z.output<typeof mdmOptionsSchema>;

/** A plugin extends the SDK through this contract; the core never knows a plugin by name. */
export interface MDMPlugin {
  /** Unique, lowercase (`kiosk`, `geo-fence`): the namespace of its state, routes and operations. */
  readonly name: string;
  readonly version?: string;
  /** Runs once in `mdm.ready()`, after the plugin's migrations. */
  setup?(ctx: PluginContext): void | Promise<void>;
  /** Handlers of stored events, run after their transaction committed; a failing handler is logged. */
  readonly events?: PluginEventHandlers;
  /** Called by the heartbeat path with the device and its heartbeat; may queue commands. */
  readonly heartbeat?: HeartbeatHook;
  /** Rejects policy settings the plugin cannot work with, on policy create and update. */
  readonly validatePolicySettings?: PolicySettingsValidator;
  /** Extra endpoints under the agent base path, served through `mdm.agentRoutes`. */
  readonly agentRoutes?: readonly AgentRoute[];
  /** Operations admin front ends call by name: `mdm.plugins.call(plugin, operation, input)`. */
  readonly admin?: Readonly<Record<string, AdminOperation>>;
  /** SQL for tables of the plugin's own, applied once and in order by `mdm.ready()`. */
  readonly migrations?: readonly PluginMigration[];
  /** Runs in `mdm.close()`. */
  close?(): void | Promise<void>;
}

export interface WebhookEndpointConfig {
  /** Stable id for the outbox rows of this endpoint; derived from the URL and filters when omitted. */
  id?: string;
  url: string;
  /**
   * A `whsec_<base64>` secret, or several during a rotation: each one signs (one `v1,` signature per
   * secret), so a receiver holding any of them verifies.
   */
  secret: string | string[];
  /** Event names, with `*` wildcards (`device.*`); all events when omitted. */
  events?: string[];
}

export interface MDMConfig {
  /** Where state lives: `drizzleAdapter(db)`, `postgresAdapter(url)`; an embedded PGlite when omitted. */
  database?: DatabaseAdapter;
  push?: PushAdapter;
  /** Enrolment secrets and windows, and an optional `validate` hook that may refuse or shape an enrolment. */
  enrollment?: NonNullable<z.input<typeof mdmOptionsSchema>['enrollment']> & {
    validate?: EnrollmentValidateHook;
  };
  auth?: z.input<typeof mdmOptionsSchema>['auth'];
  plugins?: MDMPlugin[];
  webhooks?: WebhooksConfig;
  /** Background jobs (expiry, retries, webhook delivery …); `{ enabled: false }` when they run elsewhere. */
  jobs?: JobsConfig;
  /** APK hosting: a StorageAdapter and where its signed download URLs point. */
  storage?: StorageConfig;
  /** Push wake-up retries and policy wake-up rate limits. */
  pushDispatch?: PushDispatchConfig;
  commands?: z.input<typeof mdmOptionsSchema>['commands'];
  devices?: z.input<typeof mdmOptionsSchema>['devices'];
  embedded?: z.input<typeof mdmOptionsSchema>['embedded'];
  /** A pino logger or anything with the same methods; silent by default. */
  logger?: Logger;
}
