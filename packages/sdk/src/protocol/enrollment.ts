import { and, eq, inArray, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { MDMOptions } from '../config.js';
import type { MDMContext } from '../context.js';
import type { MDMExecutor } from '../db/adapter.js';
import { deviceGroups, devices, groups, policies } from '../db/schema/index.js';
import type { DeviceStatus } from '../domain/device.js';
import { newId } from '../domain/ids.js';
import { NotFoundError } from '../errors.js';
import type { PolicyManager } from '../managers/policies.js';
import type { PushAdapter } from '../push/types.js';
import { parseInput } from '../util/validate.js';
import { hmacCanonicalMessage, pinnedKeyCanonicalMessage } from './canonical.js';
import type { EnrollmentChallenges } from './challenges.js';
import type { DeviceTokens } from './device-tokens.js';
import type { EnrollmentDecision, EnrollmentMeta, EnrollmentValidateHook } from './enrollment-hook.js';
import { EnrollmentError, ProtocolNotConfiguredError } from './errors.js';
import {
  identifierPriority,
  type MatchableIdentifiers,
  matchableIdentifiers,
  normaliseMac,
} from './identity.js';
import { assertStorableJson } from './input-guard.js';
import { type RefreshTokens, revokeDeviceTokens } from './refresh-tokens.js';
import { importP256PublicKey, spkiBase64, verifyEcdsaSignature, verifyHmacSignature } from './signatures.js';
import { pushConfigFor, type WirePolicy, type WirePushConfig, wirePolicy } from './wire-format.js';
import { type EnrollmentRequest, enrollmentRequestSchema } from './wire-schemas.js';

/** Everything the agent needs from `POST /agent/enroll` (spec §3.6), plus what the host may want to know. */
export interface EnrollmentResult {
  deviceId: string;
  enrollmentId: string;
  /** `pending` while the device awaits approval. */
  status: 'pending' | 'enrolled';
  reenrolled: boolean;
  method: 'hmac' | 'pinned-key';
  policyId: string | null;
  policy: WirePolicy | null;
  serverUrl: string;
  pushConfig: WirePushConfig;
  token: string;
  tokenExpiresAt: string;
  refreshToken: string;
}

type ExistingDevice = {
  id: string;
  tenantId: string | null;
  status: string;
  publicKey: string | null;
  deletedAt: Date | null;
  androidId: string | null;
  imei: string | null;
  serialNumber: string | null;
  macAddress: string | null;
  metadata: Record<string, unknown>;
};

export interface EnrollmentDeps {
  ctx: MDMContext;
  options: MDMOptions['enrollment'];
  validate: EnrollmentValidateHook | undefined;
  challenges: EnrollmentChallenges;
  refreshTokens: RefreshTokens | null;
  tokens: DeviceTokens | null;
  policies: PolicyManager;
  push: PushAdapter | undefined;
}

/** Both enrolment paths of spec §3, the identity rules of §12.23 and key continuity. */
export class Enrollment {
  constructor(private readonly deps: EnrollmentDeps) {}

  async enroll(body: unknown, meta: EnrollmentMeta = {}): Promise<EnrollmentResult> {
    const { options, tokens, refreshTokens } = this.deps;
    if (!options) throw new ProtocolNotConfiguredError('enrollment');
    if (!tokens || !refreshTokens) throw new ProtocolNotConfiguredError('auth');
    const request = parseInput(enrollmentRequestSchema, body, 'enrollment');
    assertStorableJson(request, 'enrollment');
    const pinnedKey = request.publicKey ? await this.verifyPinnedKey(request) : null;
    if (!pinnedKey) this.verifyHmac(request, options.deviceSecret, options.timestampWindowSeconds);
    const method = pinnedKey ? 'pinned-key' : 'hmac';
    const ids = matchableIdentifiers(request);

    const outcome = await this.deps.ctx.transact(async (tx, events) => {
      await lockIdentities(tx, pinnedKey, ids);
      const existing = await findExisting(tx, pinnedKey, ids);
      if (existing) assertMayReenrol(existing, pinnedKey);
      const decision = await this.decide(request, method, existing, meta);
      const approval = decision.requireApproval ?? options.requireApproval;
      const status: DeviceStatus =
        existing?.status === 'enrolled'
          ? 'enrolled'
          : existing?.status === 'pending' || approval
            ? 'pending'
            : 'enrolled';
      const deviceId = existing?.id ?? newId('dev');
      const enrollmentId = newId('enr');
      const tenantId = existing ? existing.tenantId : (decision.tenantId ?? null);
      if (decision.policyId) await requirePolicy(tx, decision.policyId, tenantId);
      const identity = {
        enrollmentId,
        androidId: request.androidId ?? null,
        serialNumber: request.serialNumber ?? null,
        imei: request.imei ?? null,
        macAddress: normaliseMac(request.macAddress),
        model: request.model,
        manufacturer: request.manufacturer,
        osVersion: request.osVersion,
        sdkVersion: request.sdkVersion ?? null,
        agentVersion: request.agentVersion ?? null,
        agentPackage: request.agentPackage ?? null,
        status,
        blockedReason: null,
        reportedPolicyVersion: null,
        appliedPolicyVersion: null,
        ...(decision.policyId !== undefined ? { policyId: decision.policyId } : {}),
      };
      let generation = 0;
      if (existing) {
        await tx
          .update(devices)
          .set({
            ...identity,
            publicKey: existing.publicKey ?? pinnedKey,
            metadata: decision.metadata ? { ...existing.metadata, ...decision.metadata } : existing.metadata,
            enrolledAt: status === 'enrolled' && existing.status !== 'enrolled' ? sql`now()` : undefined,
            updatedAt: sql`now()`,
          })
          .where(eq(devices.id, deviceId));
        generation = await revokeDeviceTokens(tx, deviceId);
      } else {
        await tx.insert(devices).values({
          ...identity,
          id: deviceId,
          tenantId,
          publicKey: pinnedKey,
          metadata: decision.metadata ?? {},
          enrolledAt: status === 'enrolled' ? sql`now()` : null,
        });
      }
      if (decision.groupIds?.length) await addToGroups(tx, deviceId, tenantId, decision.groupIds);
      const effective = await this.deps.policies.resolveForDevice(deviceId, tx);
      const policy = status === 'enrolled' ? effective.policy : null;
      await tx
        .update(devices)
        .set({ appliedPolicyId: policy?.id ?? null })
        .where(eq(devices.id, deviceId));
      const refreshToken = await refreshTokens.issueIn(tx, deviceId);
      events.add({
        type: 'device.enrolled',
        payload: { deviceId, reenrolled: existing !== null, method, status },
        deviceId,
        tenantId,
      });
      return {
        deviceId,
        enrollmentId,
        status,
        reenrolled: existing !== null,
        policy,
        settings: effective.policy?.settings,
        refreshToken,
        generation,
      };
    });

    const access = await tokens.issue(outcome.deviceId, outcome.generation);
    return {
      deviceId: outcome.deviceId,
      enrollmentId: outcome.enrollmentId,
      status: outcome.status as 'pending' | 'enrolled',
      reenrolled: outcome.reenrolled,
      method,
      policyId: outcome.policy?.id ?? null,
      policy: outcome.policy ? wirePolicy(outcome.policy) : null,
      serverUrl: meta.serverUrl ?? '',
      pushConfig: pushConfigFor(this.deps.push, outcome.deviceId, outcome.settings),
      token: access.token,
      tokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: outcome.refreshToken,
    };
  }

  /** The challenge is burnt before the signature is looked at, so no challenge is ever worth two tries. */
  private async verifyPinnedKey(request: EnrollmentRequest): Promise<string> {
    const challenge = request.attestationChallenge;
    if (!challenge || !(await this.deps.challenges.consume(challenge))) {
      throw new EnrollmentError(
        'CHALLENGE_INVALID',
        'Enrollment challenge is unknown, expired or already used',
      );
    }
    const publicKey = request.publicKey!;
    const key = importP256PublicKey(publicKey);
    if (!key)
      throw new EnrollmentError(
        'PUBLIC_KEY_INVALID',
        'publicKey must be a base64 P-256 SubjectPublicKeyInfo',
      );
    const message = pinnedKeyCanonicalMessage({ ...request, publicKey, challenge });
    if (!verifyEcdsaSignature(message, key, request.signature)) {
      throw new EnrollmentError('ENROLLMENT_SIGNATURE_INVALID', 'Enrollment signature is invalid');
    }
    return spkiBase64(key);
  }

  private verifyHmac(request: EnrollmentRequest, secret: string, windowSeconds: number): void {
    const at = Date.parse(request.timestamp);
    if (Number.isNaN(at))
      throw new EnrollmentError('ENROLLMENT_TIMESTAMP_INVALID', 'Enrollment timestamp is not a date');
    if (Math.abs(Date.now() - at) > windowSeconds * 1000) {
      throw new EnrollmentError(
        'ENROLLMENT_TIMESTAMP_INVALID',
        `Enrollment timestamp is more than ${windowSeconds} s away from the server's clock`,
      );
    }
    if (!verifyHmacSignature(hmacCanonicalMessage(request), secret, request.signature)) {
      throw new EnrollmentError('ENROLLMENT_SIGNATURE_INVALID', 'Enrollment signature is invalid');
    }
  }

  private async decide(
    request: EnrollmentRequest,
    method: 'hmac' | 'pinned-key',
    existing: ExistingDevice | null,
    meta: EnrollmentMeta,
  ): Promise<EnrollmentDecision> {
    const hook = this.deps.validate;
    if (!hook) return {};
    const verdict = await hook({
      request,
      method,
      existingDevice: existing
        ? { id: existing.id, status: existing.status as DeviceStatus, tenantId: existing.tenantId }
        : null,
      meta,
    });
    const decision = typeof verdict === 'object' && verdict !== null ? verdict : { allow: verdict !== false };
    if (decision.allow === false) {
      throw new EnrollmentError('ENROLLMENT_REJECTED', decision.reason ?? 'Enrollment was rejected');
    }
    return decision;
  }
}

/**
 * Serialises enrolments of one device (the agent's retry interceptor can send the same enrolment three
 * times at once): a transaction-scoped advisory lock per identifier, taken in a fixed order.
 */
async function lockIdentities(
  tx: MDMExecutor,
  pinnedKey: string | null,
  ids: MatchableIdentifiers,
): Promise<void> {
  const keys = [
    pinnedKey ? `key:${pinnedKey}` : null,
    ...identifierPriority.map((k) => (ids[k] ? `${k}:${ids[k]}` : null)),
  ]
    .filter((k): k is string => k !== null)
    .map((k) => `openmdm.enroll:${k}`);
  await tx.execute(sql`
    select pg_advisory_xact_lock(h) from (
      select distinct hashtextextended(k, 0) as h from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) as k
    ) locks order by h`);
}

/** The device this enrolment is about: by pinned key first, then by the strongest identifier (§12.23). */
async function findExisting(
  tx: MDMExecutor,
  pinnedKey: string | null,
  ids: MatchableIdentifiers,
): Promise<ExistingDevice | null> {
  const byIdentifier: SQL[] = [];
  if (ids.androidId) byIdentifier.push(eq(devices.androidId, ids.androidId));
  if (ids.imei) byIdentifier.push(eq(devices.imei, ids.imei));
  if (ids.serialNumber) byIdentifier.push(eq(devices.serialNumber, ids.serialNumber));
  if (ids.macAddress) byIdentifier.push(eq(devices.macAddress, ids.macAddress));
  const conditions: SQL[] = [];
  if (pinnedKey) conditions.push(eq(devices.publicKey, pinnedKey));
  if (byIdentifier.length) conditions.push(and(isNull(devices.deletedAt), or(...byIdentifier)) as SQL);
  const rows = await tx
    .select({
      id: devices.id,
      tenantId: devices.tenantId,
      status: devices.status,
      publicKey: devices.publicKey,
      deletedAt: devices.deletedAt,
      androidId: devices.androidId,
      imei: devices.imei,
      serialNumber: devices.serialNumber,
      macAddress: devices.macAddress,
      metadata: devices.metadata,
      createdAt: devices.createdAt,
    })
    .from(devices)
    .where(or(...conditions))
    .orderBy(devices.createdAt)
    .for('update');
  const byKey = pinnedKey ? rows.find((r) => r.publicKey === pinnedKey) : undefined;
  if (byKey && byKey.deletedAt === null) return byKey;
  if (byKey) {
    // A deleted device keeps its history but not its key: the same phone enrols as a new device.
    await tx
      .update(devices)
      .set({ publicKey: null })
      .where(and(eq(devices.id, byKey.id), isNotNull(devices.deletedAt)));
  }
  const live = rows.filter((r) => r.deletedAt === null);
  for (const key of identifierPriority) {
    const value = ids[key];
    const hit = value ? live.find((r) => r[key] === value) : undefined;
    if (hit) return hit;
  }
  return null;
}

function assertMayReenrol(existing: ExistingDevice, pinnedKey: string | null): void {
  if (existing.status === 'blocked') {
    throw new EnrollmentError('DEVICE_BLOCKED', 'Device is blocked and cannot enrol', {
      deviceId: existing.id,
    });
  }
  if (existing.status === 'unenrolling') {
    throw new EnrollmentError(
      'DEVICE_UNENROLLING',
      'Device is being unenrolled and cannot enrol until that finishes',
    );
  }
  if (existing.publicKey && existing.publicKey !== pinnedKey) {
    if (!pinnedKey) {
      throw new EnrollmentError(
        'PINNED_KEY_REQUIRED',
        'Device has a pinned key and must enrol with it (the HMAC path is refused); an admin can unpin the key',
      );
    }
    throw new EnrollmentError(
      'PUBLIC_KEY_MISMATCH',
      'Device enrolled before with another key; an admin must unpin the old key first',
    );
  }
}

async function requirePolicy(tx: MDMExecutor, policyId: string, tenantId: string | null): Promise<void> {
  const [row] = await tx
    .select({ id: policies.id })
    .from(policies)
    .where(and(eq(policies.id, policyId), tenantId ? eq(policies.tenantId, tenantId) : undefined));
  if (!row) throw new NotFoundError('policy', policyId);
}

async function addToGroups(tx: MDMExecutor, deviceId: string, tenantId: string | null, groupIds: string[]) {
  const wanted = [...new Set(groupIds)];
  const found = await tx
    .select({ id: groups.id })
    .from(groups)
    .where(and(inArray(groups.id, wanted), tenantId ? eq(groups.tenantId, tenantId) : undefined));
  const missing = wanted.find((g) => !found.some((f) => f.id === g));
  if (missing) throw new NotFoundError('group', missing);
  await tx
    .insert(deviceGroups)
    .values(wanted.map((groupId) => ({ deviceId, groupId })))
    .onConflictDoNothing();
}
