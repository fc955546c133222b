import type { Logger } from '../logger.js';

export interface Job {
  name: string;
  /** Pause between runs, in milliseconds (±10% jitter so instances do not run in lockstep). */
  intervalMs: number;
  /** Does one batch of work; resolves to how many items it handled. */
  run(): Promise<number>;
  /** When a run handles at least this many items, the job runs again at once instead of waiting. */
  batchSize?: number;
}

export interface JobStatus {
  name: string;
  intervalMs: number;
  running: boolean;
  runs: number;
  handled: number;
  failures: number;
  lastRunAt: Date | null;
  lastError: string | null;
}

interface JobState {
  job: Job;
  timer: NodeJS.Timeout | null;
  current: Promise<number> | null;
  status: JobStatus;
}

/**
 * Runs jobs in-process on timers. A job never overlaps itself; one that throws is logged and retried at its
 * next interval. Jobs claim their rows with `FOR UPDATE SKIP LOCKED`, so every instance can run them.
 */
export class JobRunner {
  private readonly states = new Map<string, JobState>();
  private started = false;

  constructor(private readonly logger: Logger) {}

  add(job: Job): void {
    if (this.states.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
    this.states.set(job.name, {
      job,
      timer: null,
      current: null,
      status: {
        name: job.name,
        intervalMs: job.intervalMs,
        running: false,
        runs: 0,
        handled: 0,
        failures: 0,
        lastRunAt: null,
        lastError: null,
      },
    });
    if (this.started) this.schedule(this.states.get(job.name)!, 0);
  }

  get running(): boolean {
    return this.started;
  }

  names(): string[] {
    return [...this.states.keys()];
  }

  status(): JobStatus[] {
    return [...this.states.values()].map((s) => ({ ...s.status }));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    // First runs are spread over up to a second, so instances started together do not run in lockstep.
    for (const state of this.states.values()) {
      this.schedule(state, Math.round(Math.random() * Math.min(state.job.intervalMs, 1000)));
    }
  }

  /** Runs a job now (or right after its current run), ahead of its timer. */
  kick(name: string): void {
    const state = this.states.get(name);
    if (state && this.started && !state.current) this.schedule(state, 0);
  }

  /**
   * Runs one batch of a job and resolves to how many items it handled; for hosts that disable the
   * in-process runner and trigger jobs from their own scheduler.
   */
  async runOnce(name: string): Promise<number> {
    const state = this.states.get(name);
    if (!state) throw new Error(`unknown job ${name}; known: ${this.names().join(', ')}`);
    if (state.current) await state.current.catch(() => 0);
    return this.execute(state);
  }

  /** Stops the timers and waits for runs in progress. */
  async stop(): Promise<void> {
    this.started = false;
    for (const state of this.states.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
    }
    await Promise.allSettled([...this.states.values()].map((s) => s.current));
  }

  private jittered(ms: number): number {
    return Math.round(ms * (0.9 + Math.random() * 0.2));
  }

  private schedule(state: JobState, delayMs: number): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = null;
      this.tick(state);
    }, delayMs);
    state.timer.unref?.();
  }

  private tick(state: JobState): void {
    if (!this.started || state.current) return;
    this.execute(state)
      .catch(() => 0)
      .then((handled) => {
        if (!this.started) return;
        const more =
          state.job.batchSize !== undefined &&
          handled >= state.job.batchSize &&
          state.status.lastError === null;
        this.schedule(state, more ? 0 : this.jittered(state.job.intervalMs));
      });
  }

  private execute(state: JobState): Promise<number> {
    // Started on a later microtask, so `state.current` is set before the run can finish and clear it.
    const run = Promise.resolve().then(async () => {
      state.status.running = true;
      try {
        const handled = await state.job.run();
        state.status.handled += handled;
        state.status.lastError = null;
        return handled;
      } catch (error) {
        state.status.failures++;
        state.status.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error({ err: error, job: state.job.name }, 'background job failed');
        throw error;
      } finally {
        state.status.runs++;
        state.status.lastRunAt = new Date();
        state.status.running = false;
        state.current = null;
      }
    });
    state.current = run;
    return run;
  }
}
