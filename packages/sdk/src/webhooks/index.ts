export type { WebhookWorkerStats } from './delivery-worker.js';
export { compileEventFilters, eventFilterSchema } from './event-filter.js';
export type { WebhooksConfig } from './options.js';
export { generateWebhookSecret } from './secrets.js';
export { signWebhook, type WebhookSignatureHeaders } from './signature.js';
export { isPrivateAddress } from './ssrf-guard.js';
export type {
  CreatedWebhookEndpoint,
  WebhookCreateInput,
  WebhookDelivery,
  WebhookDeliveryQuery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookTestResult,
  WebhookUpdateInput,
} from './types.js';
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeadersInput,
  WebhookVerificationError,
} from './verify-webhook.js';
export { WebhookManager } from './webhook-manager.js';
