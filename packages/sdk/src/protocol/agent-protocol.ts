import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { MDMConfig, MDMOptions } from '../config.js';
import type { MDMContext } from '../context.js';
import { commands, devices } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';
import { commandFromRow } from '../managers/command-row.js';
import { type CommandManager, openCommandsOf } from '../managers/commands.js';
import type { PolicyManager } from '../managers/policies.js';
import { parseInput } from '../util/validate.js';
import { type EnrollmentChallenge, EnrollmentChallenges } from './challenges.js';
import { deviceAccessColumns, deviceAccessError } from './device-access.js';
import { DeviceTokens, type VerifiedAccessToken } from './device-tokens.js';
import { Enrollment, type EnrollmentResult } from './enrollment.js';
import type { EnrollmentMeta } from './enrollment-hook.js';
import { DeviceAuthError, ProtocolNotConfiguredError } from './errors.js';
import { HeartbeatProcessor, type HeartbeatResponse } from './heartbeat.js';
import { assertStorableJson } from './input-guard.js';
import { RefreshTokens } from './refresh-tokens.js';
import { type WireCommand, type WirePolicy, wireCommand, wirePolicy } from './wire-format.js';
import {
  agentEventBodySchema,
  commandErrorBodySchema,
  commandResultBodySchema,
  pushTokenBodySchema,
  refreshTokenBodySchema,
} from './wire-schemas.js';

export interface AuthenticatedDevice {
  deviceId: string;
  status: string;
  tokenExpiresAt: Date;
}

export interface TokenRefreshResult {
  token: string;
  refreshToken: string;
  expiresAt: string;
}

/** `GET /agent/config`: the shape of the agent's (unused) `DeviceConfigResponse` (spec §12.19). */
export interface AgentConfigResponse {
  policy: WirePolicy | null;
  applications: unknown[];
  pendingCommands: WireCommand[];
}

/** A command result or error is cut to this size rather than refused, so a device is never stuck. */
const MAX_RESULT_TEXT = 65_536;

/**
 * The device side of OpenMDM, transport-free: every call the agent makes, scoped to the device it
 * authenticated as. The HTTP handler (src/agent-http) is a thin shell around it.
 */
export class AgentProtocol {
  private readonly tokensOrNull: DeviceTokens | null;
  private readonly refreshOrNull: RefreshTokens | null;
  private readonly challenges: EnrollmentChallenges;
  private readonly enrollment: Enrollment;
  private readonly heartbeats: HeartbeatProcessor;

  constructor(
    private readonly ctx: MDMContext,
    options: MDMOptions,
    private readonly config: MDMConfig,
    private readonly commands: CommandManager,
    private readonly policies: PolicyManager,
  ) {
    const auth = options.auth;
    this.tokensOrNull = auth
      ? new DeviceTokens({
          secret: auth.deviceTokenSecret,
          issuer: auth.issuer,
          audience: auth.audience,
          ttlSeconds: auth.accessTokenTtlSeconds,
        })
      : null;
    this.refreshOrNull = auth ? new RefreshTokens(ctx, auth.refreshTokenTtlSeconds) : null;
    this.challenges = new EnrollmentChallenges(ctx, options.enrollment?.challengeTtlSeconds ?? 300);
    this.heartbeats = new HeartbeatProcessor(ctx, commands);
    this.enrollment = new Enrollment({
      ctx,
      options: options.enrollment,
      validate: config.enrollment?.validate,
      challenges: this.challenges,
      refreshTokens: this.refreshOrNull,
      tokens: this.tokensOrNull,
      policies,
      push: config.push,
    });
  }

  private get tokens(): DeviceTokens {
    if (!this.tokensOrNull) throw new ProtocolNotConfiguredError('auth');
    return this.tokensOrNull;
  }

  private get refresh(): RefreshTokens {
    if (!this.refreshOrNull) throw new ProtocolNotConfiguredError('auth');
    return this.refreshOrNull;
  }

  /** `GET /agent/enroll/challenge`: a single-use challenge for the pinned-key path. */
  issueChallenge(): Promise<EnrollmentChallenge> {
    if (!this.config.enrollment) throw new ProtocolNotConfiguredError('enrollment');
    return this.challenges.issue();
  }

  /** `POST /agent/enroll`: both paths of spec §3; see EnrollmentResult. */
  enroll(request: unknown, meta: EnrollmentMeta = {}): Promise<EnrollmentResult> {
    return this.enrollment.enroll(request, meta);
  }

  /**
   * Checks the signature and expiry of an access token without touching the database. Callers that act
   * for the device must still check its status: `authenticate` does both.
   */
  verifyAccessToken(token: string) {
    return this.tokens.verify(token);
  }

  /**
   * Verifies an access token and that the device may still talk to the server (not blocked, unenrolled or
   * deleted). A blocked device with an expired token is told it is blocked, not to refresh.
   */
  async authenticate(token: string | null | undefined): Promise<AuthenticatedDevice> {
    if (!token) throw new DeviceAuthError('DEVICE_TOKEN_MISSING', 'Device authentication required');
    let verified: VerifiedAccessToken;
    try {
      verified = await this.tokens.verify(token);
    } catch (error) {
      const deviceId =
        error instanceof DeviceAuthError ? (error.details?.deviceId as string | undefined) : undefined;
      if (deviceId) await this.requireActive(deviceId);
      throw error;
    }
    const status = await this.requireActive(verified.deviceId, verified.generation);
    return { deviceId: verified.deviceId, status, tokenExpiresAt: verified.expiresAt };
  }

  /** `POST /agent/refresh-token`: rotates the refresh token and issues a new access token. */
  async refreshToken(body: unknown): Promise<TokenRefreshResult> {
    const { refreshToken } = parseInput(refreshTokenBodySchema, body, 'refresh-token');
    const rotated = await this.refresh.rotate(refreshToken);
    const access = await this.tokens.issue(rotated.deviceId, rotated.generation);
    return {
      token: access.token,
      refreshToken: rotated.refreshToken,
      expiresAt: access.expiresAt.toISOString(),
    };
  }

  /**
   * `POST /agent/heartbeat` for a device. `tokenGeneration` is that of the access token it came with: the
   * heartbeat is refused (`DEVICE_TOKEN_REVOKED`) when the device's tokens were revoked since.
   */
  heartbeat(deviceId: string, body: unknown, tokenGeneration?: number): Promise<HeartbeatResponse> {
    return this.heartbeats.process(deviceId, body, tokenGeneration);
  }

  /** `POST /agent/commands/:id/ack`. Repeats are no-ops; another device's command is "not found". */
  async acknowledge(deviceId: string, commandId: string): Promise<void> {
    await this.commands.acknowledge(plausibleCommandId(commandId), { deviceId });
  }

  /** `POST /agent/commands/:id/complete`; `success: false` is a completed command with a failed result. */
  async complete(deviceId: string, commandId: string, body: unknown): Promise<void> {
    const result = parseInput(commandResultBodySchema, body, 'command result');
    assertStorableJson(result, 'command result');
    await this.commands.complete(
      plausibleCommandId(commandId),
      {
        success: result.success,
        message: result.message?.slice(0, MAX_RESULT_TEXT) ?? null,
        ...(result.data !== undefined ? { data: result.data } : {}),
      },
      { deviceId },
    );
  }

  /** `POST /agent/commands/:id/fail`. */
  async fail(deviceId: string, commandId: string, body: unknown): Promise<void> {
    const { error } = parseInput(commandErrorBodySchema, body, 'command error');
    assertStorableJson(error, 'command error');
    await this.commands.fail(
      plausibleCommandId(commandId),
      (error || 'Unknown error').slice(0, MAX_RESULT_TEXT),
      { deviceId },
    );
  }

  /** `POST /agent/push-token`: stores where the device can be woken up. */
  async registerPushToken(deviceId: string, body: unknown): Promise<void> {
    const { provider, token } = parseInput(pushTokenBodySchema, body, 'push token');
    assertStorableJson({ provider, token }, 'push token');
    await this.ctx.transact(async (tx, events) => {
      const [row] = await tx
        .update(devices)
        .set({ pushProvider: provider, pushToken: token, updatedAt: sql`now()` })
        .where(
          and(
            eq(devices.id, deviceId),
            or(
              sql`${devices.pushToken} is distinct from ${token}`,
              sql`${devices.pushProvider} is distinct from ${provider}`,
            ),
          ),
        )
        .returning({ tenantId: devices.tenantId });
      if (row) {
        events.add({
          type: 'device.pushTokenRegistered',
          payload: { deviceId, provider },
          deviceId,
          tenantId: row.tenantId,
        });
      }
    });
  }

  /** `DELETE /agent/push-token`: forgets the token if it is the one the device registered. */
  async removePushToken(deviceId: string, body: unknown): Promise<void> {
    const { provider, token } = parseInput(pushTokenBodySchema, body, 'push token');
    assertStorableJson({ provider, token }, 'push token');
    await this.ctx.transact(async (tx, events) => {
      const [row] = await tx
        .update(devices)
        .set({ pushToken: null, updatedAt: sql`now()` })
        .where(and(eq(devices.id, deviceId), eq(devices.pushToken, token)))
        .returning({ tenantId: devices.tenantId });
      if (row) {
        events.add({
          type: 'device.pushTokenRemoved',
          payload: { deviceId, provider, reason: 'agent' },
          deviceId,
          tenantId: row.tenantId,
        });
      }
    });
  }

  /** `POST /agent/events`: an agent-side event (install results …) appended as `device.event`. */
  async recordEvent(deviceId: string, body: unknown): Promise<void> {
    const event = parseInput(agentEventBodySchema, body, 'event');
    assertStorableJson(event, 'event');
    await this.ctx.transact(async (tx, events) => {
      const [row] = await tx
        .select({ tenantId: devices.tenantId })
        .from(devices)
        .where(eq(devices.id, deviceId));
      events.add({
        type: 'device.event',
        payload: { deviceId, type: event.type, payload: event.payload ?? null },
        deviceId,
        tenantId: row?.tenantId ?? null,
      });
    });
  }

  /** `GET /agent/config`: the effective policy, its required apps and the open commands (not marked sent). */
  async deviceConfig(deviceId: string): Promise<AgentConfigResponse> {
    const effective = await this.policies.resolveForDevice(deviceId);
    const open = await this.ctx.db
      .select()
      .from(commands)
      .where(openCommandsOf(deviceId))
      .orderBy(asc(commands.createdAt), asc(commands.id))
      .limit(50);
    return {
      policy: effective.policy ? wirePolicy(effective.policy) : null,
      applications: effective.policy?.settings.installedApps ?? [],
      pendingCommands: open.map((row) => wireCommand(commandFromRow(row))),
    };
  }

  /** `GET /agent/commands/pending`: hands out the open commands (marked sent, `via: poll`). */
  async pendingCommands(deviceId: string): Promise<{ commands: WireCommand[] }> {
    const taken = await this.commands.takeForDelivery(deviceId, 50, 'poll');
    return { commands: taken.map(wireCommand) };
  }

  /** Waits for queued heartbeats to be written; call before closing the database. */
  drain(): Promise<void> {
    return this.heartbeats.drain();
  }

  /** The device may talk to the server, and (given a token's generation) its tokens were not revoked since. */
  private async requireActive(deviceId: string, tokenGeneration?: number): Promise<string> {
    const [row] = await this.ctx.db.select(deviceAccessColumns).from(devices).where(eq(devices.id, deviceId));
    const denied = deviceAccessError(deviceId, row, tokenGeneration);
    if (denied) throw denied;
    return row!.status;
  }
}

/** An id no command can have (too long, NUL …) is simply not found, like any other unknown id. */
function plausibleCommandId(id: string): string {
  if (id.length === 0 || id.length > 64 || id.includes('\u0000'))
    throw new NotFoundError('command', id.slice(0, 64));
  return id;
}
