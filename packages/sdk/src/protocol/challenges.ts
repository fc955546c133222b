import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import { enrollmentChallenges } from '../db/schema/index.js';

export interface EnrollmentChallenge {
  /** 32 random bytes, standard base64 (44 characters). */
  challenge: string;
  expiresAt: string;
  ttlSeconds: number;
}

/** Expired challenges are swept on every n-th issue, so the table stays small without a job. */
const SWEEP_EVERY = 64;

/** Single-use challenges for the pinned-key enrolment path (spec §3.3). */
export class EnrollmentChallenges {
  private issued = 0;

  constructor(
    private readonly ctx: MDMContext,
    private readonly ttlSeconds: number,
  ) {}

  async issue(): Promise<EnrollmentChallenge> {
    const challenge = randomBytes(32).toString('base64');
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    await this.ctx.db.insert(enrollmentChallenges).values({ challenge, expiresAt });
    if (++this.issued % SWEEP_EVERY === 0) {
      await this.ctx.db.delete(enrollmentChallenges).where(lt(enrollmentChallenges.expiresAt, sql`now()`));
    }
    return { challenge, expiresAt: expiresAt.toISOString(), ttlSeconds: this.ttlSeconds };
  }

  /**
   * Burns a challenge in one guarded UPDATE that commits on its own, before the signature is checked:
   * a challenge is spent by any attempt, right or wrong, and two requests can never both spend it.
   */
  async consume(challenge: string): Promise<boolean> {
    const rows = await this.ctx.db
      .update(enrollmentChallenges)
      .set({ consumedAt: sql`now()` })
      .where(
        and(
          eq(enrollmentChallenges.challenge, challenge),
          isNull(enrollmentChallenges.consumedAt),
          gt(enrollmentChallenges.expiresAt, sql`now()`),
        ),
      )
      .returning({ challenge: enrollmentChallenges.challenge });
    return rows.length === 1;
  }
}
