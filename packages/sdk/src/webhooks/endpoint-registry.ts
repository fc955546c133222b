import { eq } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import type { MDMExecutor } from '../db/adapter.js';
import { webhookEndpoints } from '../db/schema/index.js';
import { compileEventFilters } from './event-filter.js';
import type { ResolvedEndpoint } from './options.js';

/** Postgres NOTIFY channel that tells every instance to reload its endpoint list. */
export const endpointsChangedChannel = 'openmdm_webhook_endpoints';

type EndpointRow = typeof webhookEndpoints.$inferSelect;

export function endpointFromRow(row: EndpointRow): ResolvedEndpoint {
  return {
    id: row.id,
    source: 'database',
    tenantId: row.tenantId,
    url: row.url,
    description: row.description,
    events: row.events,
    secrets: row.secrets,
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

interface CompiledEndpoint {
  endpoint: ResolvedEndpoint;
  matches: (eventType: string) => boolean;
}

function compile(endpoint: ResolvedEndpoint): CompiledEndpoint {
  return { endpoint, matches: compileEventFilters(endpoint.events) };
}

/**
 * Code-defined endpoints plus the enabled stored ones, cached for `ttlMs`. The cache is dropped at once when
 * this instance changes an endpoint and, through NOTIFY, when another instance does.
 */
export class EndpointRegistry {
  private readonly fromConfig: CompiledEndpoint[];
  private stored: { endpoints: CompiledEndpoint[]; loadedAt: number } | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly ctx: MDMContext,
    configEndpoints: ResolvedEndpoint[],
    private readonly ttlMs: number,
  ) {
    this.fromConfig = configEndpoints.map(compile);
  }

  configEndpoints(): ResolvedEndpoint[] {
    return this.fromConfig.map((c) => c.endpoint);
  }

  invalidate(): void {
    this.stored = null;
  }

  /** Subscribes to changes made by other instances (best effort: the TTL bounds staleness anyway). */
  async listen(): Promise<void> {
    if (this.unlisten) return;
    try {
      this.unlisten = await this.ctx.database.listen(endpointsChangedChannel, () => this.invalidate());
    } catch (error) {
      this.ctx.logger.warn(
        { err: error },
        'cannot LISTEN for webhook endpoint changes; relying on the cache TTL',
      );
    }
  }

  async close(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = null;
    await unlisten?.().catch(() => {});
  }

  /** Tells every instance to reload; called after a stored endpoint changed. */
  async changed(): Promise<void> {
    this.invalidate();
    await this.ctx.database.notify(endpointsChangedChannel, 'changed').catch((error: unknown) => {
      this.ctx.logger.warn({ err: error }, 'cannot NOTIFY webhook endpoint change');
    });
  }

  /** Every enabled endpoint whose filters and tenant accept an event of `type` for `tenantId`. */
  async matching(db: MDMExecutor, type: string, tenantId: string | null): Promise<ResolvedEndpoint[]> {
    const all = [...this.fromConfig, ...(await this.storedEndpoints(db))];
    return all
      .filter((c) => c.matches(type) && (c.endpoint.tenantId === null || c.endpoint.tenantId === tenantId))
      .map((c) => c.endpoint);
  }

  /** True when no endpoint at all could receive events (the outbox then writes nothing). */
  async isEmpty(db: MDMExecutor): Promise<boolean> {
    return this.fromConfig.length === 0 && (await this.storedEndpoints(db)).length === 0;
  }

  /** True when the cached state says no endpoint exists (no DB read; false when unsure). */
  knownEmpty(): boolean {
    return this.fromConfig.length === 0 && this.stored !== null && this.stored.endpoints.length === 0;
  }

  /** The endpoint with this id, enabled or not (a cached enabled one first); null when it no longer exists. */
  async get(id: string): Promise<ResolvedEndpoint | null> {
    const configured = this.fromConfig.find((c) => c.endpoint.id === id);
    if (configured) return configured.endpoint;
    const fresh = this.stored && Date.now() - this.stored.loadedAt <= this.ttlMs ? this.stored.endpoints : [];
    const cached = fresh.find((c) => c.endpoint.id === id);
    if (cached) return cached.endpoint;
    const [row] = await this.ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    return row ? endpointFromRow(row) : null;
  }

  private async storedEndpoints(db: MDMExecutor): Promise<CompiledEndpoint[]> {
    const now = Date.now();
    if (this.stored && now - this.stored.loadedAt <= this.ttlMs) return this.stored.endpoints;
    const rows = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.enabled, true));
    const endpoints = rows.map((row) => compile(endpointFromRow(row)));
    this.stored = { endpoints, loadedAt: now };
    return endpoints;
  }
}
