import { createHmac, timingSafeEqual } from 'node:crypto';

function signature(secret: string, key: string, expires: number): string {
  return createHmac('sha256', secret).update(`${key}\n${expires}`).digest('base64url');
}

/** `<base>/<key>?expires=<unix s>&signature=<base64url HMAC-SHA256(key \n expires)>`. */
export function signStorageUrl(base: string, secret: string, key: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const url = new URL(`${base.replace(/\/+$/, '')}/${encodeURIComponent(key)}`);
  url.searchParams.set('expires', String(expires));
  url.searchParams.set('signature', signature(secret, key, expires));
  return url.toString();
}

export type StorageUrlCheck = { ok: true } | { ok: false; reason: 'missing' | 'expired' | 'invalid' };

/** Checks the signature and expiry of a download URL's query. */
export function checkStorageSignature(
  secret: string,
  key: string,
  params: URLSearchParams,
  now: Date = new Date(),
): StorageUrlCheck {
  const expiresText = params.get('expires');
  const offered = params.get('signature');
  if (!expiresText || !offered) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(expiresText)) return { ok: false, reason: 'invalid' };
  const expires = Number(expiresText);
  const expected = Buffer.from(signature(secret, key, expires));
  const given = Buffer.from(offered);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'invalid' };
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true };
}
