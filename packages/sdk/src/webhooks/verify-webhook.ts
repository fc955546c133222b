import { timingSafeEqual } from 'node:crypto';
import { computeWebhookSignature } from './signature.js';

/** A webhook that failed verification; `reason` says which check failed. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly reason:
      | 'missing_headers'
      | 'invalid_timestamp'
      | 'timestamp_out_of_tolerance'
      | 'invalid_signature',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

export type WebhookHeadersInput =
  | Headers
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null };

export interface VerifyWebhookOptions {
  /** Accepted distance between `webhook-timestamp` and now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The current time, for tests. */
  now?: Date;
}

function header(headers: WebhookHeadersInput, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function sameBytes(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Verifies a Standard Webhooks request for receivers: the signature over `id.timestamp.body` with any of the
 * given secrets (`whsec_<base64>`), and a timestamp within the tolerance. Pass the raw body exactly as
 * received. Returns the parsed JSON payload, or throws a WebhookVerificationError.
 */
export function verifyWebhook<T = unknown>(
  payload: string | Uint8Array,
  headers: WebhookHeadersInput,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): T {
  const body = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestampText || !signatures) {
    throw new WebhookVerificationError(
      'missing_headers',
      'webhook-id, webhook-timestamp and webhook-signature headers are required',
    );
  }
  if (!/^\d{1,12}$/.test(timestampText)) {
    throw new WebhookVerificationError(
      'invalid_timestamp',
      'webhook-timestamp is not a unix time in seconds',
    );
  }
  const timestamp = Number(timestampText);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `webhook-timestamp is ${now - timestamp}s away from now (tolerance ${tolerance}s)`,
    );
  }
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const expected = secrets.map((s) => computeWebhookSignature(s, id, timestamp, body));
  const offered = signatures
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => part.slice(3));
  if (!offered.some((sig) => expected.some((want) => sameBytes(sig, want)))) {
    throw new WebhookVerificationError('invalid_signature', 'no webhook-signature matches the secret(s)');
  }
  return JSON.parse(body) as T;
}
