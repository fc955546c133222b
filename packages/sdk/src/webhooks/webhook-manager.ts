import { and, asc, desc, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import { webhookDeliveries, webhookEndpoints } from '../db/schema/index.js';
import type { Page } from '../domain/common.js';
import { newId } from '../domain/ids.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { TenantScope } from '../managers/policies.js';
import { decodeCursor, encodeCursor } from '../util/cursor.js';
import { parseInput } from '../util/validate.js';
import type { WebhookDeliveryWorker, WebhookWorkerStats } from './delivery-worker.js';
import { hasActiveHead, lockPairs } from './device-order.js';
import { type EndpointRegistry, endpointFromRow } from './endpoint-registry.js';
import type { WebhookHttpSender } from './http-sender.js';
import type { ResolvedEndpoint, WebhookSettings } from './options.js';
import { generateWebhookSecret } from './secrets.js';
import { signWebhook } from './signature.js';
import { assertPublicDestination } from './ssrf-guard.js';
import {
  type CreatedWebhookEndpoint,
  type WebhookCreateInput,
  type WebhookDelivery,
  type WebhookDeliveryQuery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
  type WebhookTestResult,
  type WebhookUpdateInput,
  webhookCreateSchema,
  webhookDeliveryQuerySchema,
  webhookUpdateSchema,
} from './types.js';

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

function publicEndpoint(endpoint: ResolvedEndpoint): WebhookEndpoint {
  const { secrets, ...rest } = endpoint;
  return { ...rest, secretCount: secrets.length };
}

function deliveryFromRow(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId.toString(),
    eventType: row.eventType,
    deviceId: row.deviceId,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    payload: row.payload,
  };
}

function inScope(endpoint: ResolvedEndpoint, scope: TenantScope): boolean {
  return !scope.tenantId || endpoint.tenantId === scope.tenantId;
}

/**
 * Webhook endpoints (code-defined ones are listed read-only) and their deliveries: `mdm.webhooks`. Events
 * reach endpoints through the outbox, written in the transaction of each event.
 */
export class WebhookManager {
  constructor(
    private readonly ctx: MDMContext,
    private readonly settings: WebhookSettings,
    private readonly registry: EndpointRegistry,
    private readonly worker: WebhookDeliveryWorker,
    private readonly sender: WebhookHttpSender,
  ) {}

  /** Stores an endpoint. The signing secret is generated unless given, and returned only here. */
  async create(input: WebhookCreateInput): Promise<CreatedWebhookEndpoint> {
    const data = parseInput(webhookCreateSchema, input, 'webhook endpoint');
    await this.checkDestination(data.url);
    const secrets = data.secrets ?? [generateWebhookSecret()];
    const [row] = await this.ctx.db
      .insert(webhookEndpoints)
      .values({
        id: newId('whe'),
        tenantId: data.tenantId ?? null,
        url: data.url,
        description: data.description ?? null,
        events: data.events,
        secrets,
        enabled: data.enabled,
      })
      .returning();
    await this.registry.changed();
    return { ...publicEndpoint(endpointFromRow(row!)), secret: secrets[0]! };
  }

  /** Code-defined endpoints first, then stored ones by creation. */
  async list(scope: TenantScope = {}): Promise<WebhookEndpoint[]> {
    const rows = await this.ctx.db
      .select()
      .from(webhookEndpoints)
      .where(scope.tenantId ? eq(webhookEndpoints.tenantId, scope.tenantId) : undefined)
      .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
      .limit(1000);
    return [...this.registry.configEndpoints(), ...rows.map(endpointFromRow)]
      .filter((e) => inScope(e, scope))
      .map(publicEndpoint);
  }

  async get(id: string, scope: TenantScope = {}): Promise<WebhookEndpoint> {
    return publicEndpoint(await this.require(id, scope));
  }

  /** Changes a stored endpoint; code-defined endpoints are read-only (ConflictError). */
  async update(id: string, input: WebhookUpdateInput, scope: TenantScope = {}): Promise<WebhookEndpoint> {
    const data = parseInput(webhookUpdateSchema, input, 'webhook endpoint update');
    await this.requireStored(id, scope);
    if (data.url) await this.checkDestination(data.url);
    const [row] = await this.ctx.db
      .update(webhookEndpoints)
      .set({
        ...(data.url !== undefined && { url: data.url }),
        ...(data.events !== undefined && { events: data.events }),
        ...(data.description !== undefined && { description: data.description }),
        ...(data.secrets !== undefined && { secrets: data.secrets }),
        ...(data.enabled !== undefined && { enabled: data.enabled }),
        updatedAt: sql`now()`,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    await this.registry.changed();
    return publicEndpoint(endpointFromRow(row!));
  }

  /** Deletes a stored endpoint and cancels its pending deliveries. */
  async delete(id: string, scope: TenantScope = {}): Promise<void> {
    await this.requireStored(id, scope);
    await this.ctx.database.transaction(async (tx) => {
      await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
      await tx
        .update(webhookDeliveries)
        .set({
          status: 'cancelled',
          lastError: 'endpoint deleted',
          nextAttemptAt: null,
          updatedAt: sql`now()`,
        })
        .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.status, 'pending')));
    });
    await this.registry.changed();
  }

  /** Sends a signed `webhook.test` message to the endpoint now (outside the outbox) and reports the outcome. */
  async test(id: string, scope: TenantScope = {}): Promise<WebhookTestResult> {
    const endpoint = await this.require(id, scope);
    const body = JSON.stringify({
      type: 'webhook.test',
      timestamp: new Date().toISOString(),
      data: { endpointId: endpoint.id },
    });
    const attempt = await this.sender.send({
      url: endpoint.url,
      headers: { ...signWebhook({ id: newId('msg'), body, secrets: endpoint.secrets }) },
      body,
      timeoutMs: this.settings.timeoutMs,
      allowPrivateNetworks: this.settings.allowPrivateNetworks,
    });
    return {
      ok: attempt.ok,
      statusCode: attempt.statusCode,
      error: attempt.error,
      durationMs: attempt.durationMs,
    };
  }

  /** Deliveries, newest first, filtered by endpoint, status, device or event type. */
  async deliveries(
    query: WebhookDeliveryQuery = {},
    scope: TenantScope = {},
  ): Promise<Page<WebhookDelivery>> {
    const q = parseInput(webhookDeliveryQuerySchema, query, 'webhook deliveries');
    const conditions: SQL[] = [];
    if (q.endpointId) {
      await this.require(q.endpointId, scope);
      conditions.push(eq(webhookDeliveries.endpointId, q.endpointId));
    } else if (scope.tenantId) {
      const ids = (await this.list(scope)).map((e) => e.id);
      if (ids.length === 0) return { items: [], nextCursor: null };
      conditions.push(inArray(webhookDeliveries.endpointId, ids));
    }
    if (q.status?.length) conditions.push(inArray(webhookDeliveries.status, q.status));
    if (q.deviceId) conditions.push(eq(webhookDeliveries.deviceId, q.deviceId));
    if (q.eventType) conditions.push(eq(webhookDeliveries.eventType, q.eventType));
    if (q.cursor) conditions.push(lt(webhookDeliveries.id, decodeCursor(q.cursor).id));
    const rows = await this.ctx.db
      .select()
      .from(webhookDeliveries)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(webhookDeliveries.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(deliveryFromRow),
      nextCursor: rows.length > q.limit && last ? encodeCursor(null, last.id) : null,
    };
  }

  /**
   * Sends a delivery again from the first attempt, whatever its state (a dead-lettered one, or a delivered
   * one the receiver lost). It keeps its `webhook-id`, so receivers that deduplicate by id can.
   */
  async replay(deliveryId: string, scope: TenantScope = {}): Promise<WebhookDelivery> {
    const [current] = await this.ctx.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, deliveryId));
    if (!current) throw new NotFoundError('webhook delivery', deliveryId);
    const endpoint = await this.registry.get(current.endpointId);
    if (!endpoint || !inScope(endpoint, scope)) {
      if (endpoint) throw new NotFoundError('webhook delivery', deliveryId);
      throw new ConflictError(`the endpoint of delivery ${deliveryId} no longer exists`, {
        reason: 'WEBHOOK_ENDPOINT_DELETED',
      });
    }
    const row = await this.ctx.database.transaction(async (tx) => {
      // A replayed delivery queues behind the device's current head, if it has one, to keep its order.
      const pair = current.deviceId ? { endpointId: current.endpointId, deviceId: current.deviceId } : null;
      if (pair) await lockPairs(tx, [pair]);
      const waits = pair ? await hasActiveHead(tx, pair, deliveryId) : false;
      const [updated] = await tx
        .update(webhookDeliveries)
        .set({
          status: 'pending',
          attempts: 0,
          nextAttemptAt: waits ? null : sql`now()`,
          lastError: null,
          lastStatusCode: null,
          updatedAt: sql`now()`,
        })
        .where(
          and(
            eq(webhookDeliveries.id, deliveryId),
            sql`(${webhookDeliveries.lockedUntil} is null or ${webhookDeliveries.lockedUntil} < now())`,
          ),
        )
        .returning();
      return updated;
    });
    if (!row) {
      throw new ConflictError(`delivery ${deliveryId} is being sent right now`, {
        reason: 'WEBHOOK_DELIVERY_IN_FLIGHT',
      });
    }
    this.worker.kick();
    return deliveryFromRow(row);
  }

  /** What this instance's delivery worker did since start: delivered, failed, dead-lettered, in flight. */
  stats(): WebhookWorkerStats {
    return this.worker.stats();
  }

  private async require(id: string, scope: TenantScope): Promise<ResolvedEndpoint> {
    const endpoint = await this.registry.get(id);
    if (!endpoint || !inScope(endpoint, scope)) throw new NotFoundError('webhook endpoint', id);
    return endpoint;
  }

  private async requireStored(id: string, scope: TenantScope): Promise<ResolvedEndpoint> {
    const endpoint = await this.require(id, scope);
    if (endpoint.source === 'config') {
      throw new ConflictError(`webhook endpoint ${id} is defined in code and cannot be changed here`, {
        reason: 'WEBHOOK_ENDPOINT_READ_ONLY',
      });
    }
    return endpoint;
  }

  private async checkDestination(url: string): Promise<void> {
    if (this.settings.allowPrivateNetworks) return;
    try {
      await assertPublicDestination(new URL(url));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ValidationError(`webhook endpoint: ${message}`, [{ path: ['url'], message }]);
    }
  }
}
