export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. */
  baseDelayMs: number;
  /** Upper bound of any single delay, in milliseconds. */
  maxDelayMs: number;
  /** Share of the delay that is randomised (0: none, 1: "full jitter"); 0.5 keeps at least half the delay. */
  jitter?: number;
}

/**
 * Exponential backoff with jitter: the delay before retry number `attempt` (1-based) doubles each time up to
 * `maxDelayMs`, and a random share of it is removed so that many failing senders do not retry in lockstep.
 */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 52));
  const capped = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const jitter = Math.max(0, Math.min(options.jitter ?? 0.5, 1));
  return Math.round(capped * (1 - jitter * random()));
}
