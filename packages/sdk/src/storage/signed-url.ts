import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed URL allows: downloading an object, or uploading it once (PUT). */
export type StorageUrlPurpose = 'download' | 'upload';

function signature(secret: string, key: string, expires: number, purpose: StorageUrlPurpose): string {
  // Download signatures cover `key \n expires`; upload signatures are prefixed so neither works as the other.
  const message = purpose === 'upload' ? `upload\n${key}\n${expires}` : `${key}\n${expires}`;
  return createHmac('sha256', secret).update(message).digest('base64url');
}

/** `<base>/<key>?expires=<unix s>&signature=<base64url HMAC-SHA256(key \n expires)>` (+ `upload=1`). */
export function signStorageUrl(
  base: string,
  secret: string,
  key: string,
  expiresAt: Date,
  purpose: StorageUrlPurpose = 'download',
): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const url = new URL(`${base.replace(/\/+$/, '')}/${encodeURIComponent(key)}`);
  if (purpose === 'upload') url.searchParams.set('upload', '1');
  url.searchParams.set('expires', String(expires));
  url.searchParams.set('signature', signature(secret, key, expires, purpose));
  return url.toString();
}

export type StorageUrlCheck = { ok: true } | { ok: false; reason: 'missing' | 'expired' | 'invalid' };

/** Checks the signature and expiry of a download URL's query. */
export function checkStorageSignature(
  secret: string,
  key: string,
  params: URLSearchParams,
  now: Date = new Date(),
  purpose: StorageUrlPurpose = 'download',
): StorageUrlCheck {
  const expiresText = params.get('expires');
  const offered = params.get('signature');
  if (!expiresText || !offered) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(expiresText)) return { ok: false, reason: 'invalid' };
  const expires = Number(expiresText);
  const expected = Buffer.from(signature(secret, key, expires, purpose));
  const given = Buffer.from(offered);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'invalid' };
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true };
}
