import type { FleetStats } from './fleet.js';

/** One status line, e.g. for a terminal refreshed every second. `heartbeatRate` is per second. */
export function formatSummaryLine(stats: FleetStats, heartbeatRate: number): string {
  const { enrollment, heartbeats, commands, requests, latencyMs } = stats;
  return [
    `[${seconds(stats.elapsedMs).padStart(6)}]`,
    `enrolled ${stats.enrolled}/${stats.devices} (pk ${enrollment.pinnedKey}, hmac ${enrollment.hmac}, fail ${enrollment.failures})`,
    `| hb ${heartbeats.sent} ok ${heartbeats.ok} fail ${heartbeats.failed} (${heartbeatRate.toFixed(1)}/s)`,
    `| cmd ${commands.received} done ${commands.completedSuccess}/${commands.completedFailure} fail ${commands.failed}`,
    `| p50 ${ms(latencyMs.p50)} p99 ${ms(latencyMs.p99)}`,
    `| req ${requests.total} retry ${requests.retries} io ${requests.ioErrors}`,
  ].join(' ');
}

/** A multi-line report for the end of a run. */
export function formatFinalSummary(stats: FleetStats): string {
  const { enrollment, heartbeats, commands, requests, latencyMs } = stats;
  const routes = Object.entries(requests.byRoute)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, count]) => `    ${route.padEnd(18)} ${count}`);
  return [
    `Simulated ${stats.devices} devices for ${seconds(stats.elapsedMs)}`,
    `  enrollment   ${stats.enrolled} enrolled now; ${enrollment.pinnedKey} pinned-key, ${enrollment.hmac} HMAC, ` +
      `${enrollment.failures} failed, ${enrollment.challengeFallbacks} challenge fallbacks, ${enrollment.cleared} cleared, ${stats.wiped} wiped`,
    `  heartbeats   ${heartbeats.sent} sent, ${heartbeats.ok} ok, ${heartbeats.failed} failed`,
    `  latency      p50 ${ms(latencyMs.p50)}, p99 ${ms(latencyMs.p99)}, max ${ms(latencyMs.max)}, mean ${ms(latencyMs.mean)} over ${latencyMs.count}`,
    `  commands     ${commands.received} received, ${commands.acks} acks, ${commands.completedSuccess} completed ok, ` +
      `${commands.completedFailure} completed with success:false, ${commands.failed} failed, ${commands.events} events`,
    `  requests     ${requests.total} total, ${requests.retries} retries, ${requests.ioErrors} I/O errors`,
    ...routes,
  ].join('\n');
}

function seconds(elapsedMs: number): string {
  return `${(elapsedMs / 1000).toFixed(elapsedMs < 10_000 ? 1 : 0)}s`;
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)}ms`;
}
