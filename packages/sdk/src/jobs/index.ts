export { failStuckAcknowledged } from './ack-watchdog.js';
export { pruneOldEvents } from './event-retention.js';
export { type Job, JobRunner, type JobStatus } from './job-runner.js';
export {
  type BuiltinJobName,
  builtinJobNames,
  type EventRetentionConfig,
  type JobsConfig,
  type WebhookRetentionConfig,
} from './options.js';
export { pruneExpiredCredentials } from './prune.js';
export { pruneWebhookDeliveries } from './webhook-retention.js';
