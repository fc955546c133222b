import { expect, it } from 'vitest';
import type { FleetStats } from './fleet.js';
import { formatFinalSummary, formatSummaryLine } from './fleet-summary.js';

const stats: FleetStats = {
  devices: 500,
  enrolled: 498,
  running: 498,
  wiped: 0,
  enrollment: { pinnedKey: 490, hmac: 8, failures: 2, challengeFallbacks: 8, cleared: 0 },
  heartbeats: { sent: 1000, ok: 990, failed: 10 },
  commands: { received: 12, acks: 30, completedSuccess: 9, completedFailure: 2, failed: 1, events: 1 },
  requests: { total: 2040, byRoute: { heartbeat: 1010, enroll: 500 }, retries: 20, ioErrors: 0 },
  latencyMs: { count: 1000, p50: 3.21, p99: 12.34, max: 40, mean: 4 },
  elapsedMs: 12_345,
};

it('formats a one-line live summary', () => {
  expect(formatSummaryLine(stats, 83.33)).toBe(
    '[   12s] enrolled 498/500 (pk 490, hmac 8, fail 2) | hb 1000 ok 990 fail 10 (83.3/s) | cmd 12 done 9/2 fail 1 | p50 3.21ms p99 12.3ms | req 2040 retry 20 io 0',
  );
});

it('formats a final report with requests per route', () => {
  const report = formatFinalSummary(stats);
  expect(report.split('\n')[0]).toBe('Simulated 500 devices for 12s');
  expect(report).toContain('    enroll             500\n    heartbeat          1010');
});
