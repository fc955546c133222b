import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import type { MDMExecutor } from '../db/adapter.js';
import { devices, refreshTokens } from '../db/schema/index.js';
import { newId } from '../domain/ids.js';
import type { MDMError } from '../errors.js';
import { deviceAccessError } from './device-access.js';
import { DeviceAuthError } from './errors.js';

/**
 * How long after a refresh token was used it may be presented again and still rotate. The agent's retry
 * interceptor resends a request whose response was lost (3 attempts, 30 s read timeout each), and its
 * service loop and background worker can refresh at the same moment: both must not look like theft.
 */
export const REFRESH_RETRY_GRACE_SECONDS = 120;

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Revokes every credential of a device (unenrolment, deletion, a fresh enrolment): its live refresh tokens,
 * and its access tokens by moving its token generation on. Returns the new generation.
 */
export async function revokeDeviceTokens(tx: MDMExecutor, deviceId: string): Promise<number> {
  await tx
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.deviceId, deviceId), isNull(refreshTokens.revokedAt)));
  return nextTokenGeneration(tx, deviceId);
}

/** Refuses every access token issued to the device so far; returns the generation new tokens carry. */
async function nextTokenGeneration(tx: MDMExecutor, deviceId: string): Promise<number> {
  const [row] = await tx
    .update(devices)
    .set({ tokenGeneration: sql`${devices.tokenGeneration} + 1` })
    .where(eq(devices.id, deviceId))
    .returning({ generation: devices.tokenGeneration });
  return row?.generation ?? 0;
}

export interface RotatedRefreshToken {
  deviceId: string;
  refreshToken: string;
  /** The device's token generation, for the access token issued beside it. */
  generation: number;
}

/**
 * Opaque refresh tokens, stored only as sha256 hashes. Every use rotates the token within its family;
 * presenting a used token again (outside the retry grace) revokes the whole family.
 */
export class RefreshTokens {
  constructor(
    private readonly ctx: MDMContext,
    private readonly ttlSeconds: number,
  ) {}

  /** Issues a token of a new family (enrolment) or of `familyId` (rotation); returns the plaintext. */
  async issueIn(tx: MDMExecutor, deviceId: string, familyId: string = newId('rtf')): Promise<string> {
    const token = `rt_${randomBytes(32).toString('base64url')}`;
    await tx.insert(refreshTokens).values({
      id: newId('rtk'),
      deviceId,
      familyId,
      tokenHash: hashRefreshToken(token),
      expiresAt: sql`now() + make_interval(secs => ${this.ttlSeconds})`,
    });
    return token;
  }

  /** Exchanges a refresh token for its successor; throws DeviceAuthError or DeviceAccessDeniedError. */
  async rotate(token: string): Promise<RotatedRefreshToken> {
    const outcome = await this.ctx.transact(async (tx): Promise<RotatedRefreshToken | MDMError> => {
      const [row] = await tx
        .select({
          id: refreshTokens.id,
          deviceId: refreshTokens.deviceId,
          familyId: refreshTokens.familyId,
          expiresAt: refreshTokens.expiresAt,
          usedAt: refreshTokens.usedAt,
          revokedAt: refreshTokens.revokedAt,
          status: devices.status,
          deletedAt: devices.deletedAt,
          generation: devices.tokenGeneration,
        })
        .from(refreshTokens)
        .innerJoin(devices, eq(devices.id, refreshTokens.deviceId))
        .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)))
        .for('update', { of: refreshTokens });
      if (!row || row.revokedAt)
        return new DeviceAuthError('REFRESH_TOKEN_INVALID', 'Refresh token is invalid');
      const denied = deviceAccessError(row.deviceId, row);
      if (denied) return denied;
      if (row.expiresAt.getTime() <= Date.now()) {
        return new DeviceAuthError('REFRESH_TOKEN_EXPIRED', 'Refresh token has expired');
      }
      if (row.usedAt) {
        if (Date.now() - row.usedAt.getTime() > REFRESH_RETRY_GRACE_SECONDS * 1000) {
          await tx
            .update(refreshTokens)
            .set({ revokedAt: sql`now()` })
            .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
          // The access tokens issued from the family go with it.
          await nextTokenGeneration(tx, row.deviceId);
          this.ctx.logger.warn(
            { deviceId: row.deviceId, familyId: row.familyId },
            'refresh token reused: its token family and the access tokens issued from it are revoked',
          );
          return new DeviceAuthError('REFRESH_TOKEN_REUSED', 'Refresh token was already used');
        }
      } else {
        await tx.update(refreshTokens).set({ usedAt: sql`now()` }).where(eq(refreshTokens.id, row.id));
      }
      return {
        deviceId: row.deviceId,
        refreshToken: await this.issueIn(tx, row.deviceId, row.familyId),
        generation: row.generation,
      };
    });
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}
