import { errors, jwtVerify, SignJWT } from 'jose';
import { BoundedMap } from '../util/bounded-map.js';
import { DeviceAuthError } from './errors.js';

export interface DeviceTokenOptions {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

export interface VerifiedAccessToken {
  deviceId: string;
  expiresAt: Date;
  /** The device's token generation when the token was issued; the token is void once the device's moves on. */
  generation: number;
}

/** The JOSE `typ` header of device access tokens, so no other JWT signed with the same secret passes. */
export const DEVICE_TOKEN_TYPE = 'openmdm-device+jwt';
const MAX_TOKEN_LENGTH = 2048;
const CACHE_LIMIT = 50_000;

/**
 * Short-lived device access tokens: HS256 JWTs (the algorithm is pinned on verification) with `iss`,
 * `aud`, `typ` and `sub` = device id. Verified tokens are cached until they expire, so a heartbeat pays
 * for the signature once per token, not once per request; the device's status is checked separately on
 * every request.
 */
export class DeviceTokens {
  private readonly key: Uint8Array;
  private readonly verified = new BoundedMap<string, VerifiedAccessToken>(CACHE_LIMIT);

  constructor(private readonly options: DeviceTokenOptions) {
    this.key = new TextEncoder().encode(options.secret);
  }

  async issue(deviceId: string, generation: number): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.options.ttlSeconds;
    const token = await new SignJWT({ gen: generation })
      .setProtectedHeader({ alg: 'HS256', typ: DEVICE_TOKEN_TYPE })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(deviceId)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Verifies a token. An expired but otherwise valid token throws `DEVICE_TOKEN_EXPIRED` carrying the
   * device id in `details`, so the caller can tell a blocked device from one that only needs a refresh.
   */
  async verify(token: string): Promise<VerifiedAccessToken> {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expiresAt.getTime() > Date.now()) return cached;
      this.verified.delete(token);
      throw expired(cached.deviceId);
    }
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalid();
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        typ: DEVICE_TOKEN_TYPE,
        requiredClaims: ['sub', 'exp'],
      });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 64)
        throw invalid();
      // Tokens from before generations existed carry none: they belong to the first one.
      const generation = payload.gen ?? 0;
      if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 0)
        throw invalid();
      const result = {
        deviceId: payload.sub,
        expiresAt: new Date((payload.exp as number) * 1000),
        generation,
      };
      this.verified.set(token, result);
      return result;
    } catch (error) {
      if (error instanceof DeviceAuthError) throw error;
      if (error instanceof errors.JWTExpired && typeof error.payload.sub === 'string')
        throw expired(error.payload.sub);
      throw invalid();
    }
  }
}

function invalid(): DeviceAuthError {
  return new DeviceAuthError('DEVICE_TOKEN_INVALID', 'Device token is invalid');
}

function expired(deviceId: string): DeviceAuthError {
  return new DeviceAuthError('DEVICE_TOKEN_EXPIRED', 'Device token has expired', { deviceId });
}
