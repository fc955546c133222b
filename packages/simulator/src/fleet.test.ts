import { afterEach, expect, it } from 'vitest';
import { agentRoutes, routeOf } from '../test/agent-routes.js';
import { ok, RecordingServer } from '../test/recording-server.js';
import { Fleet } from './fleet.js';

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let server: RecordingServer;
let fleet: Fleet;

afterEach(async () => {
  await fleet?.stop();
  await server?.close();
});

it('enrolls a fleet with bounded concurrency, heartbeats on an interval, and stops cleanly', async () => {
  let deviceCounter = 0;
  let inFlight = 0;
  let peak = 0;
  const queue: unknown[] = [];
  const routes = agentRoutes(
    {
      enroll: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return ok({ deviceId: `dev_${deviceCounter++}`, token: 'T', pushConfig: { provider: 'polling' } });
      },
    },
    queue,
  );
  server = await RecordingServer.start(routes);
  fleet = new Fleet({
    serverUrl: server.url(),
    devices: 20,
    concurrency: 4,
    seed: 11,
    heartbeatIntervalMs: 30,
    staggerMs: 20,
    retryBaseDelayMs: 1,
    workManager: false,
  });

  const result = await fleet.enrollAll();
  expect(result).toEqual({ enrolled: 20, failed: 0, errors: [] });
  expect(peak).toBeLessThanOrEqual(4);
  expect(peak).toBeGreaterThanOrEqual(2);
  // No policy in the enroll response: each launcher sends its one-shot heartbeat.
  expect(server.requestsTo('/heartbeat')).toHaveLength(20);
  const androidIds = new Set(
    server
      .requestsTo('/enroll')
      .map((request) => (JSON.parse(request.body) as { androidId: string }).androidId),
  );
  expect(androidIds.size).toBe(20);

  queue.push({ id: 'c1', type: 'lock', payload: null });
  await fleet.start();
  await waitFor(() => fleet.stats().heartbeats.ok >= 80 && fleet.stats().running === 20);
  const live = fleet.stats();
  expect(live.enrolled).toBe(20);
  expect(live.running).toBe(20);
  expect(live.enrollment.pinnedKey).toBe(20);
  expect(live.heartbeats.sent).toBeGreaterThanOrEqual(80);
  expect(live.heartbeats.failed).toBe(0);
  expect(live.commands).toMatchObject({ received: 1, acks: 1, completedSuccess: 1 });
  expect(live.latencyMs.p50).toBeGreaterThan(0);
  expect(live.latencyMs.p99).toBeGreaterThanOrEqual(live.latencyMs.p50);
  expect(live.requests.byRoute['enroll/challenge']).toBe(20);

  await fleet.stop();
  const stopped = fleet.stats();
  expect(stopped.running).toBe(0);
  const total = server.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 80));
  expect(server.requests.length).toBe(total);
  expect(server.requests.filter((request) => routeOf(request) === 'other')).toHaveLength(0);
});

it('counts enrollment failures and enrolls the rest on a second pass', async () => {
  let refuse = true;
  server = await RecordingServer.start(
    agentRoutes({
      enroll: () =>
        refuse ? { status: 400, body: { error: 'bad' } } : ok({ deviceId: 'd', token: 't', pushConfig: {} }),
    }),
  );
  fleet = new Fleet({
    serverUrl: server.url(),
    devices: 3,
    pinnedKey: false,
    retryBaseDelayMs: 1,
    method: 'qr',
  });
  const first = await fleet.enrollAll();
  expect(first.failed).toBe(3);
  expect(first.errors).toHaveLength(3);
  refuse = false;
  await expect(fleet.enrollAll()).resolves.toMatchObject({ enrolled: 3, failed: 0 });
  expect(fleet.stats()).toMatchObject({ enrolled: 3, enrollment: { hmac: 3, failures: 3 } });
  expect(server.requestsTo('/heartbeat')).toHaveLength(0);
});
