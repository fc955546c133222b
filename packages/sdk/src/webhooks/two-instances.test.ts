import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import type { MDMConfig } from '../config.js';
import { createMDM, type MDMInstance } from '../create-mdm.js';
import { postgresAdapter } from '../db/drizzle/node-postgres.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { generateWebhookSecret } from './secrets.js';
import { verifyWebhook } from './verify-webhook.js';

type Body = { type: string; data: { eventId: string; deviceId: string | null } };

describe('two instances on one database', () => {
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  let a: MDMInstance;
  let b: MDMInstance;
  const secret = generateWebhookSecret();

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    receiver = await WebhookReceiver.start();
    const config = (): MDMConfig => ({
      webhooks: {
        allowPrivateNetworks: true,
        concurrency: 8,
        retryBaseDelayMs: 20,
        retryMaxDelayMs: 100,
        endpoints: [{ url: receiver.url, secret, events: ['device.event'] }],
      },
      jobs: { intervalsMs: { 'webhooks.deliver': 10 } },
    });
    a = createMDM({ ...config(), database: database.adapter });
    b = createMDM({ ...config(), database: postgresAdapter(database.url!) });
    await Promise.all([a.ready(), b.ready()]);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await receiver?.down();
    await database?.drop();
  });

  it('never deliver the same webhook twice, and keep each device in order', async () => {
    const devices = await Promise.all(
      Array.from({ length: 10 }, (_, i) => a.devices.create({ name: `d${i}` })),
    );
    const perDevice = 20;
    // Each device's events are written one after another, alternately by the two instances; devices run in parallel.
    await Promise.all(
      devices.map(async (device) => {
        for (let i = 0; i < perDevice; i++) {
          const mdm = i % 2 === 0 ? a : b;
          await mdm.emit(
            'device.event',
            { deviceId: device.id, type: 'n', payload: i },
            { deviceId: device.id },
          );
        }
      }),
    );
    const total = devices.length * perDevice;
    await receiver.waitFor(total, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received).toHaveLength(total);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(total);
    const order = new Map<string, bigint[]>();
    for (const hit of receiver.received) {
      const body = verifyWebhook<Body>(hit.body, hit.headers, secret);
      order.set(body.data.deviceId!, [...(order.get(body.data.deviceId!) ?? []), BigInt(body.data.eventId)]);
    }
    for (const device of devices) {
      const seen = order.get(device.id)!;
      expect(seen).toHaveLength(perDevice);
      expect([...seen].sort((x, y) => (x < y ? -1 : 1))).toEqual(seen);
    }
    const [sa, sb] = [a.webhooks.stats(), b.webhooks.stats()];
    expect(sa.delivered + sb.delivered).toBe(total);
    expect(sa.delivered).toBeGreaterThan(0);
    expect(sb.delivered).toBeGreaterThan(0);
  });

  it('sees an endpoint created on the other instance (LISTEN/NOTIFY drops the cache)', async () => {
    const device = await a.devices.create({ name: 'notify' });
    await b.emit('device.updated', { deviceId: device.id, changes: ['x'] }, { deviceId: device.id });
    receiver.received.length = 0;
    const created = await a.webhooks.create({ url: receiver.url, events: ['device.updated'] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await b.emit('device.updated', { deviceId: device.id, changes: ['y'] }, { deviceId: device.id });
    await eventually(() =>
      receiver.received.some((r) => {
        try {
          return verifyWebhook<Body>(r.body, r.headers, created.secret).type === 'device.updated';
        } catch {
          return false;
        }
      }),
    );
  });
});
