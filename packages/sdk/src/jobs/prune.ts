import { inArray, lt, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { MDMContext } from '../context.js';
import { enrollmentChallenges, refreshTokens } from '../db/schema/index.js';

/** Deletes up to `limit` rows whose `expiresAt` passed, skipping rows another instance holds. */
async function deleteExpired(
  ctx: MDMContext,
  table: PgTable,
  key: PgColumn,
  expiresAt: PgColumn,
  limit: number,
): Promise<number> {
  const expired = ctx.db
    .select({ key })
    .from(table)
    .where(lt(expiresAt, sql`now()`))
    .limit(limit)
    .for('update', { skipLocked: true });
  const deleted = await ctx.db.delete(table).where(inArray(key, expired)).returning({ key });
  return deleted.length;
}

/**
 * Deletes expired pinned-key challenges and expired refresh tokens, a batch at a time. Tokens that are used
 * or revoked but not yet expired are kept: presenting one again is how refresh-token reuse is detected.
 */
export async function pruneExpiredCredentials(ctx: MDMContext, limit = 1000): Promise<number> {
  const challenges = await deleteExpired(
    ctx,
    enrollmentChallenges,
    enrollmentChallenges.challenge,
    enrollmentChallenges.expiresAt,
    limit,
  );
  const tokens = await deleteExpired(ctx, refreshTokens, refreshTokens.id, refreshTokens.expiresAt, limit);
  return challenges + tokens;
}
