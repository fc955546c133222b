import { createHmac } from 'node:crypto';
import { webhookSecretKey } from './secrets.js';

/** The three Standard Webhooks headers of one signed message. */
export type WebhookSignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** base64 HMAC-SHA256 of `id.timestamp.body` with the decoded secret (Standard Webhooks, `v1`). */
export function computeWebhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  return createHmac('sha256', webhookSecretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/**
 * Signs a message with every secret given (one `v1,<sig>` per secret, space separated), so a receiver that
 * holds either the old or the new secret during a rotation verifies it.
 */
export function signWebhook(input: {
  id: string;
  body: string;
  secrets: readonly string[];
  /** Unix seconds; now by default. */
  timestamp?: number;
}): WebhookSignatureHeaders {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': input.secrets
      .map((secret) => `v1,${computeWebhookSignature(secret, input.id, timestamp, input.body)}`)
      .join(' '),
  };
}
