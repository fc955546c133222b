import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, timestampTz } from './columns.js';
import { devices } from './devices.js';

/** Single-use challenges for pinned-key enrolment. */
export const enrollmentChallenges = pgTable(
  'mdm_enrollment_challenges',
  {
    challenge: text('challenge').primaryKey(),
    expiresAt: timestampTz('expires_at').notNull(),
    consumedAt: timestampTz('consumed_at'),
    createdAt: createdAt(),
  },
  (t) => [index('mdm_enrollment_challenges_expiry_idx').on(t.expiresAt)],
);

/**
 * Opaque refresh tokens, stored as sha256 hashes. Each use rotates the token within its family; presenting
 * an already-used token revokes the whole family.
 */
export const refreshTokens = pgTable(
  'mdm_refresh_tokens',
  {
    id: text('id').primaryKey(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    familyId: text('family_id').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: timestampTz('expires_at').notNull(),
    usedAt: timestampTz('used_at'),
    revokedAt: timestampTz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('mdm_refresh_tokens_device_idx').on(t.deviceId),
    index('mdm_refresh_tokens_family_idx').on(t.familyId),
    index('mdm_refresh_tokens_expiry_idx').on(t.expiresAt),
  ],
);
