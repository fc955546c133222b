import { and, eq, sql } from 'drizzle-orm';
import type { MDMPlugin } from '../config.js';
import type { MDMContext } from '../context.js';
import type { MDMInstance } from '../create-mdm.js';
import { pluginState } from '../db/schema/index.js';
import type { Command } from '../domain/command.js';
import type { AnyMDMEvent, MDMEventName } from '../domain/event.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { parseInput } from '../util/validate.js';
import { AgentRouteTable } from './agent-routes.js';
import { createPluginStore, type PluginStore } from './plugin-store.js';
import type {
  AdminActor,
  HeartbeatHookInput,
  HeartbeatHooksOutcome,
  PluginContext,
  PolicySettingsIssue,
  PolicySettingsValidationInput,
} from './types.js';

const pluginNamePattern = /^[a-z][a-z0-9-]{0,63}$/;
const migrationsKey = 'openmdm:migrations';

export interface PluginInfo {
  name: string;
  version: string | null;
  operations: { name: string; kind: 'query' | 'mutation'; description: string | null }[];
  agentRoutes: { method: string; path: string; auth: 'device' | 'none' }[];
  hasHeartbeatHook: boolean;
  validatesPolicySettings: boolean;
}

function checkPlugins(plugins: readonly MDMPlugin[]): void {
  const seen = new Set<string>();
  plugins.forEach((plugin, index) => {
    const name = (plugin as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || !pluginNamePattern.test(name)) {
      throw new ValidationError(
        `plugins.${index}: a plugin needs a name like "kiosk" (lowercase, digits, dashes)`,
        [{ path: ['plugins', index, 'name'], message: 'must match /^[a-z][a-z0-9-]{0,63}$/' }],
      );
    }
    if (seen.has(name)) {
      throw new ValidationError(`plugins.${index}: plugin "${name}" is installed twice`, [
        { path: ['plugins', index, 'name'], message: 'duplicate plugin name' },
      ]);
    }
    seen.add(name);
    for (const [op, operation] of Object.entries(plugin.admin ?? {})) {
      if (typeof operation?.handler !== 'function' || typeof operation.input?.safeParse !== 'function') {
        throw new ValidationError(
          `plugin ${name}: admin operation "${op}" needs an input schema and a handler`,
          [{ path: ['plugins', index, 'admin', op], message: 'needs input and handler' }],
        );
      }
    }
  });
}

function statementsOf(text: string): string[] {
  return text
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Installs plugins into an instance: their event handlers, heartbeat hooks, policy validators, agent routes
 * and admin operations, their migrations and `setup`. The core reaches plugins only through this host.
 */
export class PluginHost {
  readonly agentRoutes: AgentRouteTable;
  private readonly contexts = new Map<string, PluginContext>();
  private readonly unsubscribers: (() => void)[] = [];
  private started = false;

  constructor(
    private readonly ctx: MDMContext,
    private readonly plugins: readonly MDMPlugin[],
    instance: () => MDMInstance,
  ) {
    checkPlugins(plugins);
    this.agentRoutes = new AgentRouteTable(ctx.logger);
    for (const plugin of plugins) {
      const logger = ctx.logger.child({ plugin: plugin.name });
      const store = createPluginStore(ctx.database, plugin.name);
      const context: PluginContext = {
        get mdm() {
          return instance();
        },
        store,
        database: ctx.database,
        logger,
      };
      this.contexts.set(plugin.name, context);
      for (const route of plugin.agentRoutes ?? []) this.agentRoutes.add(plugin.name, route, context);
      for (const [type, handler] of Object.entries(plugin.events ?? {})) {
        if (typeof handler !== 'function') continue;
        const run = handler as (event: AnyMDMEvent, c: PluginContext) => void | Promise<void>;
        this.unsubscribers.push(
          ctx.bus.on(type as MDMEventName, (event) => run(event as AnyMDMEvent, context)),
        );
      }
    }
    // Without a heartbeat hook the heartbeat path skips the hook step (and its device lookup) entirely.
    if (this.plugins.some((p) => typeof p.heartbeat === 'function'))
      ctx.heartbeatHookRunner = (input) => this.runHeartbeatHooks(input);
    ctx.policySettingsCheck = (input) => this.checkPolicySettings(input);
  }

  /** Applies plugin migrations and runs each plugin's `setup`; called by `mdm.ready()`. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const plugin of this.plugins) {
      if (plugin.migrations?.length) await this.migrate(plugin);
      await plugin.setup?.(this.context(plugin.name));
    }
  }

  async close(): Promise<void> {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    for (const plugin of [...this.plugins].reverse()) {
      try {
        await plugin.close?.();
      } catch (error) {
        this.ctx.logger.error({ err: error, plugin: plugin.name }, 'plugin close failed');
      }
    }
  }

  list(): PluginInfo[] {
    return this.plugins.map((plugin) => ({
      name: plugin.name,
      version: plugin.version ?? null,
      operations: Object.entries(plugin.admin ?? {}).map(([name, op]) => ({
        name,
        kind: op.kind,
        description: op.description ?? null,
      })),
      agentRoutes: this.agentRoutes.list().filter((r) => r.plugin === plugin.name),
      hasHeartbeatHook: typeof plugin.heartbeat === 'function',
      validatesPolicySettings: typeof plugin.validatePolicySettings === 'function',
    }));
  }

  /** The installed plugin object, e.g. to reach a typed API it exposes. */
  get<P extends MDMPlugin = MDMPlugin>(name: string): P | null {
    return (this.plugins.find((p) => p.name === name) as P | undefined) ?? null;
  }

  has(name: string): boolean {
    return this.contexts.has(name);
  }

  /** A plugin's key-value namespace (for hosts and tests; plugins get theirs in their context). */
  store(name: string): PluginStore {
    return this.context(name).store;
  }

  /** Runs an admin operation by name, validating its input; unknown names throw NotFoundError. */
  async call<O = unknown>(
    plugin: string,
    operation: string,
    input: unknown,
    actor: AdminActor | null = null,
  ): Promise<O> {
    const op = this.plugins.find((p) => p.name === plugin)?.admin?.[operation];
    if (!op) throw new NotFoundError('plugin operation', `${plugin}.${operation}`);
    const parsed = parseInput(op.input, input ?? {}, `${plugin}.${operation}`);
    return (await op.handler(parsed, { ...this.context(plugin), actor })) as O;
  }

  /**
   * Calls every plugin's heartbeat hook with the device and its heartbeat, then queues the commands they
   * return. A hook that throws is logged and skipped: plugins never fail a heartbeat.
   */
  async runHeartbeatHooks(input: HeartbeatHookInput): Promise<HeartbeatHooksOutcome> {
    const commands: Command[] = [];
    for (const plugin of this.plugins) {
      if (!plugin.heartbeat) continue;
      const context = this.context(plugin.name);
      try {
        const result = await plugin.heartbeat(input, context);
        for (const command of result?.commands ?? []) {
          commands.push(await context.mdm.commands.send(input.device.id, command));
        }
      } catch (error) {
        context.logger.error({ err: error, deviceId: input.device.id }, 'plugin heartbeat hook failed');
      }
    }
    return { commands };
  }

  /** Runs every plugin's policy validator; all issues are reported together, under `settings.…`. */
  async checkPolicySettings(input: PolicySettingsValidationInput): Promise<void> {
    const issues: { plugin: string; issue: PolicySettingsIssue }[] = [];
    for (const plugin of this.plugins) {
      if (!plugin.validatePolicySettings) continue;
      const found = await plugin.validatePolicySettings(input, this.context(plugin.name));
      for (const issue of found ?? []) issues.push({ plugin: plugin.name, issue });
    }
    const first = issues[0];
    if (!first) return;
    const where = first.issue.path.length > 0 ? ` at settings.${first.issue.path.join('.')}` : '';
    throw new ValidationError(
      `policy settings rejected by plugin ${first.plugin}: ${first.issue.message}${where}`,
      issues.map(({ plugin, issue }) => ({
        path: ['settings', ...issue.path],
        message: issue.message,
        code: `plugin:${plugin}`,
      })),
    );
  }

  /** The context a plugin's hooks receive, for typed plugin APIs such as `kiosk(mdm)`. */
  context(name: string): PluginContext {
    const context = this.contexts.get(name);
    if (!context) throw new NotFoundError('plugin', name);
    return context;
  }

  /** Applies a plugin's pending migrations in one transaction, one instance at a time. */
  private async migrate(plugin: MDMPlugin): Promise<void> {
    const migrations = plugin.migrations ?? [];
    const ids = new Set<string>();
    for (const m of migrations) {
      if (ids.has(m.id))
        throw new ValidationError(`plugin ${plugin.name}: migration ${m.id} is listed twice`, []);
      ids.add(m.id);
    }
    await this.ctx.database.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`openmdm-plugin:${plugin.name}`}))`);
      const where = and(eq(pluginState.plugin, plugin.name), eq(pluginState.key, migrationsKey));
      const [row] = await tx.select({ value: pluginState.value }).from(pluginState).where(where);
      const applied = new Set(Array.isArray(row?.value) ? (row.value as string[]) : []);
      const pending = migrations.filter((m) => !applied.has(m.id));
      if (pending.length === 0) return;
      for (const migration of pending) {
        for (const statement of statementsOf(migration.sql)) await tx.execute(sql.raw(statement));
        applied.add(migration.id);
        this.ctx.logger.info({ plugin: plugin.name, migration: migration.id }, 'plugin migration applied');
      }
      await tx
        .insert(pluginState)
        .values({ plugin: plugin.name, key: migrationsKey, value: [...applied] })
        .onConflictDoUpdate({
          target: [pluginState.plugin, pluginState.key],
          set: { value: [...applied], updatedAt: sql`now()` },
        });
    });
  }
}
