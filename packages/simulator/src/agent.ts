import type http from 'node:http';
import {
  commandErrorJson,
  commandResultJson,
  enrollmentRequestJson,
  heartbeatRequestJson,
  packageEventJson,
  refreshTokenJson,
} from './agent-requests.js';
import {
  type EnrollmentResponse,
  type HeartbeatResponse,
  type PendingCommand,
  parseChallengeResponse,
  parseEnrollmentResponse,
  parseHeartbeatResponse,
  parseTokenResponse,
} from './agent-responses.js';
import { hmacCanonicalMessage, pinnedKeyCanonicalMessage } from './canonical.js';
import { type CommandEnvironment, type CommandResult, executeCommand } from './command-executor.js';
import { isCriticalCommandType, normalizeCommandType } from './command-type.js';
import {
  createDeviceProfile,
  type DeviceProfile,
  dalvikUserAgent,
  reportedVersion,
} from './device-profile.js';
import { downloadFile } from './file-download.js';
import { AgentHttpClient, type AgentResponse, type HttpClientCounters, isSuccessful } from './http-client.js';
import { LatencyHistogram } from './latency-histogram.js';
import { Prng } from './prng.js';
import { encodePathSegment } from './retrofit-path.js';
import type { Semaphore } from './semaphore.js';
import { DeviceKeyPair, hmacSha256Hex } from './signing.js';
import { DeviceTelemetry } from './telemetry.js';
import { formatAgentTimestamp } from './timestamp.js';

/** `BuildConfig.DEVICE_SECRET`'s default. */
export const DEFAULT_DEVICE_SECRET = 'change-me-in-production';
/** The WorkManager periodic heartbeat (15 min, the platform minimum). */
export const WORK_MANAGER_PERIOD_MS = 15 * 60_000;
/** The poll loop's floor (`MIN_POLL_INTERVAL_MS`). */
export const MIN_POLL_INTERVAL_MS = 15_000;
const DEFAULT_POLL_INTERVAL_MS = 60_000;
// `sync` nests a heartbeat; a server that keeps re-sending a sync would recurse forever on a device.
const MAX_SYNC_DEPTH = 4;

/** The PackageInstaller outcome of a silent install (`InstallResultReceiver`). */
export type InstallStatus =
  | 'success'
  | 'pendingUserAction'
  | 'failure'
  | 'aborted'
  | 'blocked'
  | 'conflict'
  | 'incompatible'
  | 'invalid'
  | 'storage';

const INSTALL_STATUS_MESSAGES: Record<InstallStatus, string> = {
  success: 'Installed successfully',
  pendingUserAction: 'Requires user action',
  failure: 'Installation failed',
  aborted: 'Installation aborted',
  blocked: 'Installation blocked',
  conflict: 'Package conflict',
  incompatible: 'Package incompatible',
  invalid: 'Invalid package',
  storage: 'Insufficient storage',
};

export interface SimulatedAgentOptions {
  /** The provisioned server URL, e.g. `http://localhost:3000/mdm`. */
  serverUrl: string;
  /** The provisioned `openmdm.device_secret` (HMAC key). */
  deviceSecret?: string;
  /** The device; by default generated from `seed`/`index`. */
  profile?: DeviceProfile;
  seed?: number;
  index?: number;
  /** Try the pinned-key (challenge + ECDSA) path first, falling back to HMAC (default true). */
  pinnedKey?: boolean;
  /** The Keystore identity key; by default derived from `seed`/`index`, or random without a seed. */
  keyPair?: DeviceKeyPair;
  /** `manual` (launcher device code, default) or `qr` (managed provisioning). */
  method?: 'manual' | 'qr';
  /** What the agent persists as `enrollmentId` (the typed device code); never sent. */
  enrollmentId?: string;
  /** Whether the agent is device owner (default true); changes many command results. */
  deviceOwner?: boolean;
  /** Whether the agent is an active device admin (default true). */
  deviceAdmin?: boolean;
  /** Base of the retry interceptor's backoff (default 1000 ms: sleeps 1 s then 2 s). */
  retryBaseDelayMs?: number;
  /** Connect/read/write timeout (default 30 s). */
  timeoutMs?: number;
  /** Share a keep-alive agent instead of one connection pool per device. */
  httpAgent?: http.Agent;
  /** Poll-loop interval override. By default `max(pollingInterval, 15 s)`, 60 s when absent, none for push providers. */
  heartbeatIntervalMs?: number;
  /** Also run the WorkManager heartbeat: one at start, then every 15 min (default true). */
  workManager?: boolean;
  /** Delay between a pending silent install and its PackageInstaller result (default 200 ms). */
  installDelayMs?: number;
  /** The PackageInstaller outcome per package (default success). */
  installResult?: (packageName: string) => InstallStatus;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
  /** Speeds up telemetry drift (default 1). */
  telemetryTimeScale?: number;
  /** Heartbeat latencies (ms) are recorded here; by default into the agent's own histogram. */
  latency?: LatencyHistogram;
  /** Bounds concurrent heartbeats across a fleet. */
  gate?: Semaphore;
}

/** What the agent keeps in SharedPreferences after enrolling. */
export interface EnrollmentState {
  deviceId: string;
  token: string;
  refreshToken: string | null;
  /** `policy.version` coerced to a string, then each `policyUpdate.version`. */
  policyVersion: string | null;
  enrollmentId: string;
  pushProvider: string | null;
  pollingIntervalSeconds: number | null;
  policySettings: Record<string, unknown> | null;
}

export type EnrollmentPath = 'pinned-key' | 'hmac';

export interface EnrollmentOutcome {
  path: EnrollmentPath;
  state: EnrollmentState;
  response: EnrollmentResponse;
}

/** Enrollment was refused or unusable: `Enrollment failed: <code> - <raw error body>` for a non-2xx. */
export class EnrollmentError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
    readonly body: string | null = null,
  ) {
    super(message);
    this.name = 'EnrollmentError';
  }
}

export interface CommandReport {
  id: string;
  type: string;
  normalizedType: string;
  acks: number;
  /** `pending`: an async install whose `/complete` or `/fail` comes later; `dropped`: not enrolled any more. */
  outcome: 'completed' | 'failed' | 'pending' | 'dropped';
  result?: CommandResult;
  error?: string;
}

export type RefreshOutcome = 'refreshed' | 'no-refresh-token' | 'cleared';

export interface HeartbeatResult {
  /** False when the device is not enrolled (nothing was sent). */
  sent: boolean;
  status: number | null;
  response: HeartbeatResponse | null;
  commands: CommandReport[];
  /** What a 401 led to. */
  refresh: RefreshOutcome | null;
}

/** What the agent did and sent, as logical operations (wire requests are in `requests`). */
export interface AgentCounters {
  enrollments: number;
  enrolledViaPinnedKey: number;
  enrolledViaHmac: number;
  enrollmentFailures: number;
  challengeFallbacks: number;
  heartbeatsSent: number;
  heartbeatsOk: number;
  heartbeatsFailed: number;
  commandsReceived: number;
  acks: number;
  completes: number;
  completedSuccess: number;
  completedFailure: number;
  fails: number;
  events: number;
  downloads: number;
  refreshes: number;
  enrollmentsCleared: number;
  loopErrors: number;
}

function zeroCounters(): AgentCounters {
  return {
    enrollments: 0,
    enrolledViaPinnedKey: 0,
    enrolledViaHmac: 0,
    enrollmentFailures: 0,
    challengeFallbacks: 0,
    heartbeatsSent: 0,
    heartbeatsOk: 0,
    heartbeatsFailed: 0,
    commandsReceived: 0,
    acks: 0,
    completes: 0,
    completedSuccess: 0,
    completedFailure: 0,
    fails: 0,
    events: 0,
    downloads: 0,
    refreshes: 0,
    enrollmentsCleared: 0,
    loopErrors: 0,
  };
}

/**
 * One simulated openmdm-android agent, speaking its wire protocol byte for byte: enrollment
 * (pinned key with HMAC fallback), heartbeats, command acks and results, async install reports,
 * token refresh, and its timers (poll loop and WorkManager heartbeat).
 */
export class SimulatedAgent {
  readonly profile: DeviceProfile;
  readonly keyPair: DeviceKeyPair;
  readonly counters: AgentCounters = zeroCounters();
  readonly latency: LatencyHistogram;
  /** The last error the background loops swallowed (the device only logs them). */
  lastLoopError: unknown = null;
  /** True once a wipe or factory reset ran: the device is gone. */
  wiped = false;

  private readonly client: AgentHttpClient;
  private readonly telemetry: DeviceTelemetry;
  private readonly options: SimulatedAgentOptions;
  private readonly now: () => number;
  private enrollment: EnrollmentState | null = null;
  private readonly knownCommandIds = new Set<string>();
  private readonly pendingInstalls = new Map<string, string>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly background = new Set<Promise<void>>();
  private loops: Promise<void>[] = [];
  private running = false;

  constructor(options: SimulatedAgentOptions) {
    this.options = options;
    const seed = options.seed ?? 1;
    const index = options.index ?? 0;
    this.profile = options.profile ?? createDeviceProfile({ seed, index });
    this.keyPair =
      options.keyPair ??
      (options.seed === undefined ? DeviceKeyPair.generate() : DeviceKeyPair.fromSeed(`${seed}:${index}`));
    this.now = options.now ?? Date.now;
    this.latency = options.latency ?? new LatencyHistogram();
    this.client = new AgentHttpClient({
      baseUrl: options.serverUrl,
      retryBaseDelayMs: options.retryBaseDelayMs,
      timeoutMs: options.timeoutMs,
      agent: options.httpAgent,
    });
    this.telemetry = new DeviceTelemetry(
      this.profile,
      Prng.derive(seed ^ 0x5bd1e995, index),
      this.now(),
      options.telemetryTimeScale,
    );
  }

  /** HTTP requests put on the wire, per route, plus retries and I/O errors. */
  get requests(): HttpClientCounters {
    return this.client.counters;
  }

  get state(): Readonly<EnrollmentState> | null {
    return this.enrollment;
  }

  get isEnrolled(): boolean {
    return this.enrollment !== null;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * `EnrollDeviceUseCase`: one timestamp for the whole attempt; with `pinnedKey`, a challenge and an
   * ECDSA signature, falling back silently to HMAC on any challenge failure. Persists the enrollment
   * on a 2xx; throws `EnrollmentError` otherwise (or `AgentIoError` when the server is unreachable).
   */
  async enroll(): Promise<EnrollmentOutcome> {
    this.counters.enrollments++;
    try {
      return await this.runEnrollment();
    } catch (error) {
      this.counters.enrollmentFailures++;
      throw error;
    }
  }

  /** Sends one heartbeat as the service poll loop does and reacts to the response. */
  heartbeat(): Promise<HeartbeatResult> {
    return this.sendHeartbeat(0);
  }

  /**
   * The launcher's one-shot heartbeat after enrollment when no policy version is stored: stores
   * `policyUpdate.version ?? "1"`, or `"default"` without a policy update or on any failure.
   * Pending commands in this response are ignored.
   */
  async fetchInitialPolicy(): Promise<string | null> {
    const state = this.enrollment;
    if (!state) return null;
    let version = 'default';
    let succeeded = false;
    try {
      const response = await this.postHeartbeat(state);
      if (isSuccessful(response.status)) {
        const update = parseHeartbeatResponse(response.body).policyUpdate;
        succeeded = true;
        if (update) {
          version = update.version ?? '1';
          state.policySettings = update.settings;
        }
      }
    } catch {
      // The launcher stores "default" whatever went wrong.
    }
    if (succeeded) this.counters.heartbeatsOk++;
    else this.counters.heartbeatsFailed++;
    if (this.enrollment === state) state.policyVersion = version;
    return version;
  }

  /** The service's token refresh after a 401: only with a stored refresh token; any non-2xx clears the enrollment. */
  async refreshToken(): Promise<RefreshOutcome> {
    const state = this.enrollment;
    if (!state?.refreshToken) return 'no-refresh-token';
    const response = await this.postRefresh(state.refreshToken);
    if (!isSuccessful(response.status)) {
      this.clearEnrollment();
      return 'cleared';
    }
    this.storeToken(state, response.body);
    return 'refreshed';
  }

  /** Processes commands as if they arrived in a heartbeat response (also the FCM `command` path). */
  processCommands(commands: readonly PendingCommand[]): Promise<CommandReport[]> {
    const state = this.enrollment;
    if (!state) return Promise.resolve([]);
    return this.dispatchCommands(commands, state.token, 0);
  }

  /** Starts the poll loop (and the WorkManager heartbeat) as the service does when it starts. */
  start(): void {
    if (this.running || this.wiped) return;
    this.running = true;
    const pollMs = this.pollIntervalMs();
    if (pollMs !== null) this.loops.push(this.runLoop(pollMs));
    if (this.options.workManager ?? true) this.loops.push(this.runLoop(WORK_MANAGER_PERIOD_MS));
  }

  /** Stops the loops after their current heartbeat; pending install results are dropped, as on a service restart. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimers();
    const loops = this.loops;
    this.loops = [];
    await Promise.allSettled(loops);
    await this.idle();
  }

  /** Stops and aborts any request in flight; the agent cannot be used afterwards. */
  async close(): Promise<void> {
    this.running = false;
    this.cancelTimers();
    this.client.close();
    await this.stop();
  }

  /** Resolves once background work (async install and uninstall results) has finished. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Drops the enrollment, as `clearEnrollment()` does. */
  clearEnrollment(): void {
    if (this.enrollment) this.counters.enrollmentsCleared++;
    this.enrollment = null;
  }

  // ---------------------------------------------------------------- enrollment

  private async runEnrollment(): Promise<EnrollmentOutcome> {
    const identity = this.profile.identity;
    const method = this.options.method ?? 'manual';
    const timestamp = formatAgentTimestamp(this.now());
    const challenge = (this.options.pinnedKey ?? true) ? await this.fetchChallenge() : null;
    let body: string;
    let path: EnrollmentPath;
    if (challenge !== null) {
      const publicKey = this.keyPair.publicKeySpkiBase64;
      const signature = this.keyPair.sign(
        pinnedKeyCanonicalMessage(publicKey, identity, method, timestamp, challenge),
      );
      body = enrollmentRequestJson({
        identity,
        method,
        timestamp,
        signature,
        publicKey,
        attestationChallenge: challenge,
      });
      path = 'pinned-key';
    } else {
      const secret = this.options.deviceSecret ?? DEFAULT_DEVICE_SECRET;
      const signature = hmacSha256Hex(secret, hmacCanonicalMessage(identity, method, timestamp));
      body = enrollmentRequestJson({ identity, method, timestamp, signature });
      path = 'hmac';
    }

    const response = await this.client.call({ method: 'POST', path: 'agent/enroll', route: 'enroll', body });
    if (!isSuccessful(response.status)) {
      throw new EnrollmentError(
        `Enrollment failed: ${response.status} - ${response.body}`,
        response.status,
        response.body,
      );
    }
    let parsed: EnrollmentResponse;
    try {
      parsed = parseEnrollmentResponse(response.body);
    } catch (error) {
      throw new EnrollmentError((error as Error).message, response.status, response.body);
    }
    if (parsed.deviceId === null || parsed.token === null) {
      throw new EnrollmentError(
        'Enrollment response has no deviceId or token',
        response.status,
        response.body,
      );
    }
    const state: EnrollmentState = {
      deviceId: parsed.deviceId,
      token: parsed.token,
      refreshToken: parsed.refreshToken,
      policyVersion: parsed.policy?.version ?? null,
      enrollmentId: this.options.enrollmentId ?? '',
      pushProvider: null,
      pollingIntervalSeconds: null,
      policySettings: parsed.policy?.settings ?? null,
    };
    this.enrollment = state;
    this.knownCommandIds.clear();
    this.wiped = false;
    // On a device a missing pushConfig throws after the enrollment was persisted: reported failed, enrolled anyway.
    if (parsed.pushConfig === null) {
      throw new EnrollmentError('Enrollment response has no pushConfig', response.status, response.body);
    }
    state.pushProvider = parsed.pushConfig.provider;
    state.pollingIntervalSeconds = parsed.pushConfig.pollingInterval;
    if (path === 'pinned-key') this.counters.enrolledViaPinnedKey++;
    else this.counters.enrolledViaHmac++;
    return { path, state, response: parsed };
  }

  /** The challenge, or null on any failure (exception, non-2xx after retries, no challenge). */
  private async fetchChallenge(): Promise<string | null> {
    try {
      const response = await this.client.call({
        method: 'GET',
        path: 'agent/enroll/challenge',
        route: 'enroll/challenge',
      });
      const challenge = isSuccessful(response.status) ? parseChallengeResponse(response.body) : null;
      if (challenge === null) this.counters.challengeFallbacks++;
      return challenge;
    } catch {
      this.counters.challengeFallbacks++;
      return null;
    }
  }

  // ---------------------------------------------------------------- heartbeat

  private async sendHeartbeat(depth: number): Promise<HeartbeatResult> {
    const state = this.enrollment;
    if (!state) return { sent: false, status: null, response: null, commands: [], refresh: null };
    let response: AgentResponse;
    try {
      response = await this.postHeartbeat(state);
    } catch (error) {
      this.counters.heartbeatsFailed++;
      throw error;
    }
    if (!isSuccessful(response.status)) {
      this.counters.heartbeatsFailed++;
      const refresh = response.status === 401 ? await this.refreshToken() : null;
      return { sent: true, status: response.status, response: null, commands: [], refresh };
    }
    let body: HeartbeatResponse;
    try {
      body = parseHeartbeatResponse(response.body);
    } catch (error) {
      this.counters.heartbeatsFailed++;
      throw error;
    }
    this.counters.heartbeatsOk++;
    const commands = await this.dispatchCommands(body.pendingCommands ?? [], state.token, depth);
    const update = body.policyUpdate;
    if (update && this.enrollment === state) {
      if (update.version !== null) state.policyVersion = update.version;
      state.policySettings = update.settings;
    }
    return { sent: true, status: response.status, response: body, commands, refresh: null };
  }

  private async postHeartbeat(state: EnrollmentState): Promise<AgentResponse> {
    const nowMs = this.now();
    const body = heartbeatRequestJson({
      deviceId: state.deviceId,
      timestamp: formatAgentTimestamp(nowMs),
      telemetry: this.telemetry.sample(nowMs),
      installedApps: this.profile.installedApps,
      policyVersion: state.policyVersion,
    });
    this.counters.heartbeatsSent++;
    const started = performance.now();
    try {
      return await this.client.call({
        method: 'POST',
        path: 'agent/heartbeat',
        route: 'heartbeat',
        token: state.token,
        body,
      });
    } finally {
      this.latency.record(performance.now() - started);
    }
  }

  // ---------------------------------------------------------------- commands

  /**
   * `processCommand` for each command in order. Critical types and re-delivered ids run at once
   * (one ack). A new non-critical command is acked, persisted and handed to the CommandWorker,
   * which acks again and sends it back through the service, which acks a third time and runs it.
   */
  private async dispatchCommands(
    commands: readonly PendingCommand[],
    token: string,
    depth: number,
  ): Promise<CommandReport[]> {
    const reports: CommandReport[] = [];
    const queued: { command: PendingCommand; report: CommandReport }[] = [];
    for (const command of commands) {
      this.counters.commandsReceived++;
      if (command.id === null || command.type === null)
        throw new TypeError('pending command without id or type');
      const report: CommandReport = {
        id: command.id,
        type: command.type,
        normalizedType: normalizeCommandType(command.type),
        acks: 0,
        outcome: 'dropped',
      };
      if (isCriticalCommandType(report.normalizedType) || this.knownCommandIds.has(command.id)) {
        reports.push(await this.executeImmediately(command, report, token, depth));
        continue;
      }
      this.knownCommandIds.add(command.id);
      await this.ack(report, token);
      queued.push({ command, report });
    }
    for (const { command, report } of queued)
      reports.push(await this.runCommandWorker(command, report, depth));
    return reports;
  }

  private async runCommandWorker(
    command: PendingCommand,
    report: CommandReport,
    depth: number,
  ): Promise<CommandReport> {
    const workerState = this.enrollment;
    if (!workerState) return report;
    await this.ack(report, workerState.token);
    // The worker's intent goes through processIncomingCommand, which drops it when not enrolled.
    const state = this.enrollment;
    if (!state) return report;
    try {
      return await this.executeImmediately(command, report, state.token, depth);
    } catch (error) {
      report.outcome = 'failed';
      report.error = (error as Error).message;
      return report;
    }
  }

  /** `executeCommandImmediately`: ack, execute, then `/complete` (or `/fail` if anything threw). */
  private async executeImmediately(
    command: PendingCommand,
    report: CommandReport,
    token: string,
    depth: number,
  ): Promise<CommandReport> {
    await this.ack(report, token);
    try {
      const result = await executeCommand(
        { id: report.id, type: report.type, normalizedType: report.normalizedType, payload: command.payload },
        this.commandEnvironment(depth),
      );
      report.result = result;
      if (result.message?.includes('pending')) {
        report.outcome = 'pending';
        return report;
      }
      await this.postResult(report.id, token, result);
      report.outcome = 'completed';
      if (result.success && (report.normalizedType === 'wipe' || report.normalizedType === 'factoryReset')) {
        this.wipe();
      }
      return report;
    } catch (error) {
      const message = error instanceof Error && error.message ? error.message : 'Unknown error';
      report.outcome = 'failed';
      report.error = message;
      await this.postFail(report.id, token, message);
      return report;
    }
  }

  private commandEnvironment(depth: number): CommandEnvironment {
    return {
      profile: this.profile,
      deviceOwner: this.options.deviceOwner ?? true,
      deviceAdmin: this.options.deviceAdmin ?? true,
      now: this.now,
      currentLocation: () => this.telemetry.sample(this.now()).location,
      download: (url, requireOk) => {
        this.counters.downloads++;
        return downloadFile(url, {
          userAgent: dalvikUserAgent(this.profile),
          requireOk,
          timeoutMs: this.options.timeoutMs,
        });
      },
      sync: async () => {
        if (depth < MAX_SYNC_DEPTH) await this.sendHeartbeat(depth + 1);
      },
      beginInstall: (install) => {
        this.pendingInstalls.set(install.packageName, install.commandId);
        this.schedule(this.options.installDelayMs ?? 200, () => this.finishInstall(install));
      },
      beginUninstall: (packageName) => {
        this.schedule(this.options.installDelayMs ?? 200, () => this.finishUninstall(packageName));
      },
    };
  }

  /** Acks swallow every error, as the agent's do. */
  private async ack(report: CommandReport, token: string): Promise<void> {
    report.acks++;
    this.counters.acks++;
    try {
      await this.client.call({
        method: 'POST',
        path: commandPath(report.id, 'ack'),
        route: 'commands/ack',
        token,
      });
    } catch {
      // "Failed to acknowledge command"
    }
  }

  private postResult(id: string, token: string, result: CommandResult): Promise<AgentResponse> {
    this.counters.completes++;
    if (result.success) this.counters.completedSuccess++;
    else this.counters.completedFailure++;
    return this.client.call({
      method: 'POST',
      path: commandPath(id, 'complete'),
      route: 'commands/complete',
      token,
      body: commandResultJson(result.success, result.message, result.data),
    });
  }

  /** `POST agent/refresh-token` with `{"refreshToken"}` and no Authorization header. */
  private postRefresh(refreshToken: string): Promise<AgentResponse> {
    this.counters.refreshes++;
    return this.client.call({
      method: 'POST',
      path: 'agent/refresh-token',
      route: 'refresh-token',
      body: refreshTokenJson(refreshToken),
    });
  }

  private postFail(id: string, token: string, error: string): Promise<AgentResponse> {
    this.counters.fails++;
    return this.client.call({
      method: 'POST',
      path: commandPath(id, 'fail'),
      route: 'commands/fail',
      token,
      body: commandErrorJson(error),
    });
  }

  // ---------------------------------------------------------------- async install results

  /** `handleInstallComplete`: report the pending command, then post an `app_install` event. */
  private async finishInstall(install: {
    commandId: string;
    packageName: string;
    version: string | null;
    versionCode: number | null;
  }): Promise<void> {
    const status = this.options.installResult?.(install.packageName) ?? 'success';
    const success = status === 'success';
    const message = INSTALL_STATUS_MESSAGES[status];
    if (success) this.recordInstalledPackage(install.packageName, install.version, install.versionCode);
    const commandId = this.pendingInstalls.get(install.packageName);
    this.pendingInstalls.delete(install.packageName);
    if (commandId !== undefined)
      await this.reportInstallResult(commandId, install.packageName, success, message);
    await this.postPackageEvent('app_install', install.packageName, success, message);
  }

  private async finishUninstall(packageName: string): Promise<void> {
    const index = this.profile.installedApps.findIndex((app) => app.packageName === packageName);
    const success = index >= 0;
    if (success) this.profile.installedApps.splice(index, 1);
    await this.postPackageEvent(
      'app_uninstall',
      packageName,
      success,
      success ? 'Uninstalled successfully' : 'Unknown error (status: 1)',
    );
  }

  /** `reportCommandResult`: on a 401 with a refresh token, refresh and retry once; a 401 from the refresh clears the enrollment. */
  private async reportInstallResult(
    commandId: string,
    packageName: string,
    success: boolean,
    message: string,
  ): Promise<void> {
    const state = this.enrollment;
    if (!state) return;
    const send = (token: string) =>
      success
        ? this.postResult(commandId, token, {
            success: true,
            message: `App ${packageName} installed successfully`,
          })
        : this.postFail(commandId, token, message);
    let response: AgentResponse | null;
    try {
      response = await send(state.token);
    } catch {
      response = null;
    }
    if (response?.status !== 401 || !state.refreshToken) return;
    try {
      const refresh = await this.postRefresh(state.refreshToken);
      if (isSuccessful(refresh.status)) {
        this.storeToken(state, refresh.body);
        await send(state.token).catch(() => null);
      } else if (refresh.status === 401) {
        this.clearEnrollment();
      }
    } catch {
      // "Token refresh error"
    }
  }

  private async postPackageEvent(
    type: 'app_install' | 'app_uninstall',
    packageName: string,
    success: boolean,
    message: string,
  ): Promise<void> {
    const state = this.enrollment;
    if (!state) return;
    const nowMs = this.now();
    this.counters.events++;
    await this.client.call({
      method: 'POST',
      path: 'agent/events',
      route: 'events',
      token: state.token,
      body: packageEventJson(type, packageName, success, message, nowMs, formatAgentTimestamp(nowMs)),
    });
  }

  private recordInstalledPackage(
    packageName: string,
    version: string | null,
    versionCode: number | null,
  ): void {
    const row = { packageName, version: reportedVersion(version), versionCode: versionCode ?? 1 };
    const index = this.profile.installedApps.findIndex((app) => app.packageName === packageName);
    if (index >= 0) this.profile.installedApps[index] = row;
    else this.profile.installedApps.push(row);
  }

  // ---------------------------------------------------------------- timers and state

  private storeToken(state: EnrollmentState, body: string): void {
    const tokens = parseTokenResponse(body);
    if (tokens.token !== null) state.token = tokens.token;
    if (tokens.refreshToken !== null) state.refreshToken = tokens.refreshToken;
  }

  private pollIntervalMs(): number | null {
    if (this.options.heartbeatIntervalMs !== undefined) return this.options.heartbeatIntervalMs;
    const state = this.enrollment;
    if (state?.pushProvider && state.pushProvider !== 'polling') return null;
    const requested =
      state?.pollingIntervalSeconds != null ? state.pollingIntervalSeconds * 1000 : DEFAULT_POLL_INTERVAL_MS;
    return Math.max(requested, MIN_POLL_INTERVAL_MS);
  }

  private async runLoop(intervalMs: number): Promise<void> {
    while (this.running) {
      if (this.enrollment) {
        try {
          const beat = () => this.heartbeat();
          await (this.options.gate ? this.options.gate.run(beat) : beat());
        } catch (error) {
          this.counters.loopErrors++;
          this.lastLoopError = error;
        }
      }
      if (!this.running) return;
      await this.sleep(intervalMs);
    }
  }

  private wipe(): void {
    this.wiped = true;
    this.clearEnrollment();
    this.running = false;
    this.cancelTimers();
  }

  /** Resolves true when the delay elapsed, false when the timers were cancelled. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(true);
      }, ms);
      this.timers.set(timer, () => resolve(false));
    });
  }

  private schedule(delayMs: number, task: () => Promise<void>): void {
    const done = this.sleep(delayMs).then(async (elapsed) => {
      // A device only logs a failed report.
      if (elapsed) await task().catch(() => {});
    });
    this.background.add(done);
    void done.finally(() => this.background.delete(done));
  }

  private cancelTimers(): void {
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
  }
}

function commandPath(id: string, action: 'ack' | 'complete' | 'fail'): string {
  return `agent/commands/${encodePathSegment(id)}/${action}`;
}
