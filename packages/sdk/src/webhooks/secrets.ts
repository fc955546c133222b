import { randomBytes } from 'node:crypto';

const prefix = 'whsec_';
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why a secret is not a usable `whsec_<base64>` key, or null when it is. */
export function webhookSecretProblem(secret: string): string | null {
  if (!secret.startsWith(prefix)) return 'must start with whsec_ (generate one with generateWebhookSecret())';
  const body = secret.slice(prefix.length);
  if (!base64Pattern.test(body) || body.length % 4 !== 0) return 'must be whsec_ followed by standard base64';
  const bytes = Buffer.from(body, 'base64').length;
  if (bytes < 24 || bytes > 64) return `must decode to 24-64 bytes (has ${bytes})`;
  return null;
}

/** A fresh signing secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${prefix}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of a `whsec_<base64>` secret (Standard Webhooks signs with the decoded bytes). */
export function webhookSecretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(prefix) ? secret.slice(prefix.length) : secret, 'base64');
}
