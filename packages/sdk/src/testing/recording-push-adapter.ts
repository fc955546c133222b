import type { PushAdapter, PushHealth, PushMessage, PushResult, PushTarget } from '../push/types.js';

export interface RecordedPush {
  target: PushTarget;
  message: PushMessage;
  at: number;
}

type Outcome = PushResult | ((target: PushTarget, message: PushMessage) => PushResult | Promise<PushResult>);

/**
 * A PushAdapter that delivers nothing and remembers every wake-up it was asked for. `respond` decides the
 * result per device (accepted by default); `fail` makes every call throw, like a transport that is down.
 */
export class RecordingPushAdapter implements PushAdapter {
  readonly provider: string;
  readonly sent: RecordedPush[] = [];
  private readonly outcomes = new Map<string, Outcome>();
  private defaultOutcome: Outcome | null = null;
  private failure: Error | null = null;

  constructor(options: { provider?: string } = {}) {
    this.provider = options.provider ?? 'recording';
  }

  /** The result for one device, or for every device without its own (`deviceId` omitted). */
  respond(outcome: Outcome, deviceId?: string): void {
    if (deviceId) this.outcomes.set(deviceId, outcome);
    else this.defaultOutcome = outcome;
  }

  /** Makes `send` and `sendMany` throw `error` (null: work again). */
  fail(error: Error | null): void {
    this.failure = error;
  }

  reset(): void {
    this.sent.length = 0;
    this.outcomes.clear();
    this.defaultOutcome = null;
    this.failure = null;
  }

  /** The wake-ups sent to one device. */
  to(deviceId: string): RecordedPush[] {
    return this.sent.filter((p) => p.target.deviceId === deviceId);
  }

  async send(target: PushTarget, message: PushMessage): Promise<PushResult> {
    if (this.failure) throw this.failure;
    this.sent.push({ target: { ...target }, message: { ...message }, at: Date.now() });
    const outcome = this.outcomes.get(target.deviceId) ?? this.defaultOutcome;
    if (!outcome) return { deviceId: target.deviceId, ok: true, messageId: `rec-${this.sent.length}` };
    const result = typeof outcome === 'function' ? await outcome(target, message) : outcome;
    return { ...result, deviceId: target.deviceId };
  }

  async sendMany(targets: PushTarget[], message: PushMessage): Promise<PushResult[]> {
    if (this.failure) throw this.failure;
    return Promise.all(targets.map((target) => this.send(target, message)));
  }

  async health(): Promise<PushHealth> {
    return { ok: this.failure === null, provider: this.provider };
  }
}
