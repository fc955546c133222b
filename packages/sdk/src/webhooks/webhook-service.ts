import type { MDMContext } from '../context.js';
import type { AnyMDMEvent } from '../domain/event.js';
import { WebhookDeliveryWorker } from './delivery-worker.js';
import { EndpointRegistry } from './endpoint-registry.js';
import { WebhookHttpSender } from './http-sender.js';
import { parseWebhooksConfig, type WebhookSettings, type WebhooksConfig } from './options.js';
import { webhookOutboxHook } from './outbox.js';
import { WebhookManager } from './webhook-manager.js';

/** Postgres NOTIFY channel that wakes the delivery workers of every instance. */
const deliveriesChannel = 'openmdm_webhook_deliveries';

/** Wires webhooks into an instance: the outbox hook on the event write path, the manager and the worker. */
export class WebhookService {
  private unlisten: (() => Promise<void>) | null = null;
  private announceTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  readonly settings: WebhookSettings;
  readonly registry: EndpointRegistry;
  readonly sender: WebhookHttpSender;
  readonly worker: WebhookDeliveryWorker;
  readonly manager: WebhookManager;

  constructor(
    private readonly ctx: MDMContext,
    config: WebhooksConfig | undefined,
  ) {
    this.settings = parseWebhooksConfig(config);
    this.registry = new EndpointRegistry(ctx, this.settings.endpoints, this.settings.endpointCacheTtlMs);
    this.sender = new WebhookHttpSender(this.settings.concurrency);
    this.worker = new WebhookDeliveryWorker(ctx, this.registry, this.settings, this.sender);
    this.manager = new WebhookManager(ctx, this.settings, this.registry, this.worker, this.sender);
    const wroteDeliveries = new WeakSet<readonly AnyMDMEvent[]>();
    ctx.eventsStoredHooks.push(webhookOutboxHook(this.registry, (events) => wroteDeliveries.add(events)));
    // New deliveries go out at once rather than at the next poll, here and on the other instances.
    ctx.eventsCommittedHooks.push((events) => {
      if (!wroteDeliveries.has(events)) return;
      this.worker.kick();
      this.announce();
    });
  }

  /** Listens for endpoint changes; with `deliver`, this instance also sends deliveries. */
  async start(deliver: boolean): Promise<void> {
    await this.registry.listen();
    if (!deliver) return;
    this.worker.start();
    try {
      this.unlisten = await this.ctx.database.listen(deliveriesChannel, () => this.worker.kick());
    } catch (error) {
      this.ctx.logger.warn({ err: error }, 'cannot LISTEN for new webhook deliveries; polling only');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.announceTimer) clearTimeout(this.announceTimer);
    await this.unlisten?.().catch(() => {});
    await this.worker.stop();
    await this.registry.close();
    this.sender.close();
  }

  /** NOTIFY the other instances that deliveries are waiting; at most one NOTIFY per 25 ms per instance. */
  private announce(): void {
    if (this.announceTimer || this.stopped) return;
    this.announceTimer = setTimeout(() => {
      this.announceTimer = null;
      if (this.stopped) return;
      this.ctx.database.notify(deliveriesChannel, '').catch((error: unknown) => {
        this.ctx.logger.debug({ err: error }, 'cannot NOTIFY new webhook deliveries');
      });
    }, 25);
  }
}
