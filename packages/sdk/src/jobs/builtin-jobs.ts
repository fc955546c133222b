import type { MDMContext } from '../context.js';
import type { CommandManager } from '../managers/commands.js';
import type { PushDispatcher } from '../push/dispatcher.js';
import type { WebhookDeliveryWorker } from '../webhooks/delivery-worker.js';
import { failStuckAcknowledged } from './ack-watchdog.js';
import { pruneOldEvents } from './event-retention.js';
import type { JobRunner } from './job-runner.js';
import type { JobsSettings } from './options.js';
import { pruneExpiredCredentials } from './prune.js';
import { WebhookDeliveryPruner } from './webhook-retention.js';

const batch = 500;
/**
 * Events deleted per run; a full run is followed by another at once. One batch takes tens of milliseconds, so
 * the 100 000 heartbeats a minute of 100 000 devices age out in about 20 runs a minute.
 */
const eventsBatch = 5000;
/** Webhook deliveries deleted per run; a full run is followed by another at once. */
const deliveriesBatch = 5000;

/**
 * The SDK's own jobs: command expiry, the ack watchdog, push retries, webhook delivery, pruning of expired
 * credentials, and of events and finished webhook deliveries past their retention.
 */
export function registerBuiltinJobs(
  runner: JobRunner,
  deps: {
    ctx: MDMContext;
    commands: CommandManager;
    settings: JobsSettings;
    push: PushDispatcher | null;
    webhooks: WebhookDeliveryWorker;
  },
): void {
  const { ctx, commands, settings, push, webhooks } = deps;
  const every = settings.intervalsMs;
  runner.add({
    name: 'commands.expire',
    intervalMs: every['commands.expire'],
    batchSize: batch,
    run: () => commands.expireDue(batch),
  });
  runner.add({
    name: 'commands.ackWatchdog',
    intervalMs: every['commands.ackWatchdog'],
    batchSize: batch,
    run: () => failStuckAcknowledged(ctx, settings.ackTimeoutSeconds, batch),
  });
  if (push) {
    runner.add({ name: 'push.retry', intervalMs: every['push.retry'], run: () => push.dispatchDue() });
  }
  runner.add({ name: 'webhooks.deliver', intervalMs: every['webhooks.deliver'], run: () => webhooks.pump() });
  runner.add({
    name: 'enrollment.prune',
    intervalMs: every['enrollment.prune'],
    batchSize: 1000,
    run: () => pruneExpiredCredentials(ctx, 1000),
  });
  runner.add({
    name: 'events.prune',
    intervalMs: every['events.prune'],
    batchSize: eventsBatch,
    run: () => pruneOldEvents(ctx, settings.eventRetention, eventsBatch),
  });
  // One pruner per instance: it keeps the position of its sweep between runs.
  const deliveries = new WebhookDeliveryPruner(ctx, settings.webhookRetention, deliveriesBatch);
  runner.add({
    name: 'webhooks.prune',
    intervalMs: every['webhooks.prune'],
    batchSize: deliveriesBatch,
    run: () => deliveries.run(),
  });
}
