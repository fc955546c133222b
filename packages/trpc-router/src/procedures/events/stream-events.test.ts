import { createMDM, type MDMInstance, postgresAdapter } from '@openmdm/sdk';
import { createTestMDM, type TestMDM, testSecrets } from '@openmdm/sdk/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createHostRouter,
  type HostServer,
  type HostUserName,
  hostClient,
  serveHost,
} from '../../../test/host-app.js';
import { streamStartedType } from './stream-events.js';

let t: TestMDM;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  t = await createTestMDM('postgres');
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await t?.cleanup();
});

/** A second host instance on the same database (as after a deploy, or a second replica). */
function secondInstance(): MDMInstance {
  const mdm = createMDM({
    enrollment: { deviceSecret: testSecrets.deviceSecret },
    auth: { deviceTokenSecret: testSecrets.deviceTokenSecret },
    database: postgresAdapter(t.database.url!),
  });
  cleanups.push(() => mdm.close());
  return mdm;
}

function emit(mdm: MDMInstance, n: number, tenantId = 'acme') {
  return mdm.emit(
    'device.event',
    { deviceId: 'dev_stream', type: 'test', payload: n },
    { tenantId, deviceId: 'dev_stream' },
  );
}

interface Received {
  id: string;
  n: number;
}

function subscribe(url: string, user: HostUserName, input: { lastEventId?: string } = {}) {
  const received: Received[] = [];
  const markers: string[] = [];
  const errors: unknown[] = [];
  let started!: () => void;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const subscription = hostClient(url, user).admin.mdm.events.stream.subscribe(
    { types: ['device.event'], ...input },
    {
      onStarted: () => started(),
      onData: ({ id, data }) => {
        if (data.type === streamStartedType) markers.push(id);
        else received.push({ id, n: (data.payload as { payload: number }).payload });
      },
      onError: (error) => errors.push(error),
    },
  );
  cleanups.push(async () => subscription.unsubscribe());
  return { received, markers, errors, ready, subscription };
}

async function until(condition: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('survives a server restart over SSE and resumes from Last-Event-ID without gaps or duplicates', async () => {
  const first: HostServer = await serveHost(createHostRouter(t.mdm));
  const acme = subscribe(first.url, 'viewer');
  const globex = subscribe(first.url, 'otherAdmin');
  await Promise.all([acme.ready, globex.ready]);
  await emit(t.mdm, 1);
  await emit(t.mdm, 2);
  await until(() => acme.received.length === 2);

  await first.close();
  // While the server is down another instance keeps writing events.
  const replica = secondInstance();
  await emit(replica, 3);
  await emit(replica, 4, 'globex');
  await emit(replica, 5);

  const second = await serveHost(createHostRouter(replica), first.port);
  cleanups.push(() => second.close());
  await until(() => acme.received.length === 4);
  // Live again: one event through the restarted instance, one from the first instance (LISTEN/NOTIFY).
  await emit(replica, 6);
  await emit(t.mdm, 7);
  await until(() => acme.received.length === 6);

  expect(acme.received.map((r) => r.n)).toEqual([1, 2, 3, 5, 6, 7]);
  const ids = acme.received.map((r) => BigInt(r.id));
  expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
  await until(() => globex.received.length === 1);
  expect(globex.received.map((r) => r.n)).toEqual([4]);
  expect(acme.errors).toEqual([]);
  // One marker when the stream opened; the reconnect resumed from the last id instead of opening anew.
  expect(acme.markers).toHaveLength(1);
  expect(globex.markers).toHaveLength(1);
});

it('replays everything after an explicit lastEventId, then goes live', async () => {
  const server = await serveHost(createHostRouter(t.mdm));
  cleanups.push(() => server.close());
  const marks = [await emit(t.mdm, 10), await emit(t.mdm, 11), await emit(t.mdm, 12)];
  const resumed = subscribe(server.url, 'admin', { lastEventId: marks[0]!.id });
  await resumed.ready;
  await until(() => resumed.received.length === 2);
  await emit(t.mdm, 13);
  await until(() => resumed.received.length === 3);
  expect(resumed.received.map((r) => r.n)).toEqual([11, 12, 13]);
});

it('refuses a stream of another tenant device as not found, and anonymous callers', async () => {
  const server = await serveHost(createHostRouter(t.mdm));
  cleanups.push(() => server.close());
  const device = await t.mdm.devices.create({ tenantId: 'acme' });
  const outcome = (user?: HostUserName) =>
    new Promise<string>((resolve) => {
      const sub = hostClient(server.url, user).admin.mdm.events.stream.subscribe(
        { deviceId: device.id },
        {
          onStarted: () => {},
          onData: () => resolve('data'),
          onError: (error) => {
            sub.unsubscribe();
            resolve((error as { data?: { code?: string } }).data?.code ?? 'error');
          },
        },
      );
    });
  expect(await outcome('otherAdmin')).toBe('NOT_FOUND');
  expect(await outcome()).toBe('UNAUTHORIZED');
});
