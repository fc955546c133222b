import {
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';

/** The agent's HMAC signature: HMAC-SHA256 keyed with the secret's UTF-8 bytes, lowercase hex. */
export function hmacSha256Hex(secret: string, message: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(message, 'utf8').digest('hex');
}

// Order of the P-256 group; a private scalar must lie in [1, n-1].
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/**
 * The device's pinned identity key (the Keystore alias `openmdm_device_identity` on a real device):
 * EC P-256, `SHA256withECDSA` signatures as base64 DER, public key as base64 X.509 SubjectPublicKeyInfo.
 */
export class DeviceKeyPair {
  /** Base64 (with padding) of the 91-byte SPKI DER; always starts `MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE`. */
  readonly publicKeySpkiBase64: string;

  private constructor(private readonly privateKey: KeyObject) {
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    this.publicKeySpkiBase64 = spki.toString('base64');
  }

  static generate(): DeviceKeyPair {
    return DeviceKeyPair.fromPrivateScalar(randomScalar());
  }

  /** A key from a 64-hex-digit private scalar. */
  static fromPrivateScalar(hex: string): DeviceKeyPair {
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new RangeError('a P-256 private scalar is 64 hex digits');
    const scalar = BigInt(`0x${hex}`);
    if (scalar === 0n || scalar >= P256_ORDER) throw new RangeError('private scalar out of range for P-256');
    const d = Buffer.from(hex, 'hex');
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey();
    const key = createPrivateKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: 'P-256',
        d: d.toString('base64url'),
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33, 65).toString('base64url'),
      },
    });
    return new DeviceKeyPair(key);
  }

  /** A key derived deterministically from `seed`, so a seeded fleet keeps its keys across runs. */
  static fromSeed(seed: string): DeviceKeyPair {
    for (let counter = 0; ; counter++) {
      const hex = createHash('sha256').update(`openmdm-simulator-key:${seed}:${counter}`).digest('hex');
      const scalar = BigInt(`0x${hex}`);
      if (scalar !== 0n && scalar < P256_ORDER) return DeviceKeyPair.fromPrivateScalar(hex);
    }
  }

  /** `SHA256withECDSA` over the UTF-8 bytes: an ASN.1 DER `SEQUENCE{r,s}`, base64 with padding. */
  sign(message: string): string {
    return sign('sha256', Buffer.from(message, 'utf8'), {
      key: this.privateKey,
      dsaEncoding: 'der',
    }).toString('base64');
  }
}

/** Checks a base64 DER ECDSA signature against a base64 SPKI public key, as the server does. */
export function verifyDeviceSignature(
  publicKeySpkiBase64: string,
  message: string,
  signatureBase64: string,
): boolean {
  const key = createPublicKey({
    key: Buffer.from(publicKeySpkiBase64, 'base64'),
    format: 'der',
    type: 'spki',
  });
  return verify(
    'sha256',
    Buffer.from(message, 'utf8'),
    { key, dsaEncoding: 'der' },
    Buffer.from(signatureBase64, 'base64'),
  );
}

function randomScalar(): string {
  for (;;) {
    const hex = randomBytes(32).toString('hex');
    const scalar = BigInt(`0x${hex}`);
    if (scalar !== 0n && scalar < P256_ORDER) return hex;
  }
}
