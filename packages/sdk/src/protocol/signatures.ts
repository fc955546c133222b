import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';

/** HMAC-SHA256 of the UTF-8 message, lowercase hex (spec §3.4). */
export function hmacSignature(message: string, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(message, 'utf8').digest('hex');
}

/** Constant-time check of a hex HMAC signature; any malformed input is simply not valid. */
export function verifyHmacSignature(message: string, secret: string, signature: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = Buffer.from(hmacSignature(message, secret), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Imports a base64 X.509 SubjectPublicKeyInfo (DER) holding a P-256 key, as the agent sends it
 * (`cert.publicKey.encoded`). Returns null for anything else: another curve, RSA, garbage.
 */
export function importP256PublicKey(spkiBase64: string): KeyObject | null {
  if (spkiBase64.length > 512 || !base64.test(spkiBase64)) return null;
  try {
    const key = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return null;
    return key;
  } catch {
    return null;
  }
}

/** The canonical base64 of a key's SPKI, so one key always pins as one string. */
export function spkiBase64(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** Verifies `SHA256withECDSA` over the UTF-8 message with an ASN.1 DER signature in base64 (spec §3.3). */
export function verifyEcdsaSignature(message: string, key: KeyObject, signatureBase64: string): boolean {
  if (signatureBase64.length > 256 || !base64.test(signatureBase64)) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(message, 'utf8'),
      { key, dsaEncoding: 'der' },
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    return false;
  }
}
