import { type AgentCounters, type InstallStatus, SimulatedAgent } from './agent.js';
import type { AgentRoute } from './http-client.js';
import { LatencyHistogram } from './latency-histogram.js';
import { Semaphore } from './semaphore.js';

export interface FleetOptions {
  serverUrl: string;
  /** How many devices to simulate. */
  devices: number;
  /** Most enrollments or heartbeats in flight at once (default 64). */
  concurrency?: number;
  deviceSecret?: string;
  /** Poll-loop interval override; by default each device follows its pushConfig (60 s when polling). */
  heartbeatIntervalMs?: number;
  /** Seed for identities, keys and telemetry (default 1). */
  seed?: number;
  /** Try the pinned-key enrollment first (default true); false is HMAC only. */
  pinnedKey?: boolean;
  method?: 'manual' | 'qr';
  /** Device owner for every device, or per device index (default true). */
  deviceOwner?: boolean | ((index: number) => boolean);
  retryBaseDelayMs?: number;
  timeoutMs?: number;
  /** Spread device start-ups over this window (default: the heartbeat interval, at most 10 s). */
  staggerMs?: number;
  /** Also run each device's WorkManager heartbeat (one at start, then every 15 min; default true). */
  workManager?: boolean;
  /** After enrolling without a policy version, send the launcher's one-shot heartbeat (default: method is manual). */
  initialPolicyFetch?: boolean;
  installDelayMs?: number;
  installResult?: (packageName: string) => InstallStatus;
  telemetryTimeScale?: number;
  now?: () => number;
}

export interface EnrollAllResult {
  enrolled: number;
  failed: number;
  /** The first few failures, for diagnosis. */
  errors: unknown[];
}

export interface FleetStats {
  devices: number;
  /** Devices enrolled right now. */
  enrolled: number;
  running: number;
  wiped: number;
  enrollment: {
    pinnedKey: number;
    hmac: number;
    failures: number;
    challengeFallbacks: number;
    cleared: number;
  };
  heartbeats: { sent: number; ok: number; failed: number };
  commands: {
    received: number;
    acks: number;
    completedSuccess: number;
    completedFailure: number;
    failed: number;
    events: number;
  };
  requests: {
    total: number;
    byRoute: Partial<Record<AgentRoute, number>>;
    retries: number;
    ioErrors: number;
  };
  /** Heartbeat round trips, retries included. */
  latencyMs: { count: number; p50: number; p99: number; max: number; mean: number };
  elapsedMs: number;
}

const MAX_DEFAULT_STAGGER_MS = 10_000;
const KEPT_ERRORS = 10;

/**
 * Many simulated agents against one server: bounded-concurrency enrollment, staggered start-up,
 * each device heartbeating on its own timer, live counters and latency percentiles, clean stop.
 */
export class Fleet {
  readonly agents: readonly SimulatedAgent[];
  readonly latency = new LatencyHistogram();
  private readonly gate: Semaphore;
  private readonly options: FleetOptions;
  private readonly startTimers = new Set<NodeJS.Timeout>();
  private readonly startedAt: number;
  private stopped = false;

  constructor(options: FleetOptions) {
    if (!Number.isInteger(options.devices) || options.devices < 0)
      throw new RangeError('devices must be a non-negative integer');
    this.options = options;
    this.gate = new Semaphore(options.concurrency ?? 64);
    this.startedAt = performance.now();
    const seed = options.seed ?? 1;
    this.agents = Array.from(
      { length: options.devices },
      (_, index) =>
        new SimulatedAgent({
          serverUrl: options.serverUrl,
          deviceSecret: options.deviceSecret,
          seed,
          index,
          pinnedKey: options.pinnedKey,
          method: options.method,
          deviceOwner:
            typeof options.deviceOwner === 'function' ? options.deviceOwner(index) : options.deviceOwner,
          retryBaseDelayMs: options.retryBaseDelayMs,
          timeoutMs: options.timeoutMs,
          heartbeatIntervalMs: options.heartbeatIntervalMs,
          workManager: options.workManager,
          installDelayMs: options.installDelayMs,
          installResult: options.installResult,
          telemetryTimeScale: options.telemetryTimeScale,
          now: options.now,
          latency: this.latency,
          gate: this.gate,
        }),
    );
  }

  /** Enrolls every device that is not enrolled yet; call again to retry the failures. */
  async enrollAll(): Promise<EnrollAllResult> {
    const fetchPolicy = this.options.initialPolicyFetch ?? (this.options.method ?? 'manual') === 'manual';
    const result: EnrollAllResult = { enrolled: 0, failed: 0, errors: [] };
    await Promise.all(
      this.agents
        .filter((agent) => !agent.isEnrolled && !agent.wiped)
        .map((agent) =>
          this.gate.run(async () => {
            if (this.stopped) return;
            try {
              await agent.enroll();
              result.enrolled++;
            } catch (error) {
              result.failed++;
              if (result.errors.length < KEPT_ERRORS) result.errors.push(error);
              return;
            }
            if (fetchPolicy && agent.state?.policyVersion === null) await agent.fetchInitialPolicy();
          }),
        ),
    );
    return result;
  }

  /** Starts every enrolled device's timers, spread over the stagger window. Resolves at once. */
  async start(): Promise<void> {
    if (this.stopped) throw new Error('a stopped fleet cannot be restarted');
    const window =
      this.options.staggerMs ??
      Math.min(this.options.heartbeatIntervalMs ?? MAX_DEFAULT_STAGGER_MS, MAX_DEFAULT_STAGGER_MS);
    const count = this.agents.length;
    this.agents.forEach((agent, index) => {
      const delay = count > 1 ? Math.floor((window * index) / count) : 0;
      const timer = setTimeout(() => {
        this.startTimers.delete(timer);
        if (!this.stopped) agent.start();
      }, delay);
      this.startTimers.add(timer);
    });
  }

  /** Stops every device after its current heartbeat and closes all connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.startTimers) clearTimeout(timer);
    this.startTimers.clear();
    await Promise.all(this.agents.map((agent) => agent.stop()));
    await Promise.all(this.agents.map((agent) => agent.close()));
  }

  stats(): FleetStats {
    const totals = sumCounters(this.agents.map((agent) => agent.counters));
    const byRoute: Partial<Record<AgentRoute, number>> = {};
    let total = 0;
    let retries = 0;
    let ioErrors = 0;
    let enrolled = 0;
    let running = 0;
    let wiped = 0;
    for (const agent of this.agents) {
      for (const [route, count] of Object.entries(agent.requests.requests) as [AgentRoute, number][]) {
        byRoute[route] = (byRoute[route] ?? 0) + count;
        total += count;
      }
      retries += agent.requests.retries;
      ioErrors += agent.requests.ioErrors;
      if (agent.isEnrolled) enrolled++;
      if (agent.isRunning) running++;
      if (agent.wiped) wiped++;
    }
    return {
      devices: this.agents.length,
      enrolled,
      running,
      wiped,
      enrollment: {
        pinnedKey: totals.enrolledViaPinnedKey,
        hmac: totals.enrolledViaHmac,
        failures: totals.enrollmentFailures,
        challengeFallbacks: totals.challengeFallbacks,
        cleared: totals.enrollmentsCleared,
      },
      heartbeats: { sent: totals.heartbeatsSent, ok: totals.heartbeatsOk, failed: totals.heartbeatsFailed },
      commands: {
        received: totals.commandsReceived,
        acks: totals.acks,
        completedSuccess: totals.completedSuccess,
        completedFailure: totals.completedFailure,
        failed: totals.fails,
        events: totals.events,
      },
      requests: { total, byRoute, retries, ioErrors },
      latencyMs: {
        count: this.latency.count,
        p50: this.latency.percentile(50),
        p99: this.latency.percentile(99),
        max: this.latency.max,
        mean: this.latency.mean,
      },
      elapsedMs: performance.now() - this.startedAt,
    };
  }
}

function sumCounters(all: readonly AgentCounters[]): AgentCounters {
  const sum = {} as Record<keyof AgentCounters, number>;
  for (const counters of all) {
    for (const [key, value] of Object.entries(counters) as [keyof AgentCounters, number][]) {
      sum[key] = (sum[key] ?? 0) + value;
    }
  }
  return sum as AgentCounters;
}
