import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import type { MDMConfig } from '../config.js';
import { createMDM } from '../create-mdm.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { generateWebhookSecret } from './secrets.js';
import { verifyWebhook } from './verify-webhook.js';

type Body = {
  type: string;
  timestamp: string;
  data: { eventId: string; deviceId: string | null; payload: unknown };
};

const fast = {
  allowPrivateNetworks: true,
  timeoutMs: 400,
  retryBaseDelayMs: 30,
  retryMaxDelayMs: 150,
  maxAttempts: 50,
} satisfies MDMConfig['webhooks'];
const jobs = { intervalsMs: { 'webhooks.deliver': 50 } } satisfies MDMConfig['jobs'];

async function withMDM(config: Omit<MDMConfig, 'database'>, fn: (t: TestMDM) => Promise<void>) {
  const t = await createTestMDM('postgres', config);
  try {
    await fn(t);
  } finally {
    await t.cleanup();
  }
}

/** Checks every webhook's signature and returns the bodies grouped by device, in arrival order. */
function verifiedByDevice(receiver: WebhookReceiver, secret: string): Map<string, bigint[]> {
  const byDevice = new Map<string, bigint[]>();
  for (const hit of receiver.received) {
    const body = verifyWebhook<Body>(hit.body, hit.headers, secret);
    const key = body.data.deviceId ?? '-';
    byDevice.set(key, [...(byDevice.get(key) ?? []), BigInt(body.data.eventId)]);
  }
  return byDevice;
}

describe('webhooks from the outbox', () => {
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.down();
  });

  it('delivers every event to a receiver that was down for a while, signed and in order per device', async () => {
    receiver.received.length = 0;
    await receiver.down();
    const secret = generateWebhookSecret();
    await withMDM(
      { webhooks: { ...fast, endpoints: [{ url: receiver.url, secret }] }, jobs },
      async ({ mdm }) => {
        const devices = await Promise.all([1, 2, 3].map((n) => mdm.devices.create({ name: `dev-${n}` })));
        for (let round = 0; round < 5; round++) {
          for (const device of devices) {
            await mdm.emit(
              'device.event',
              { deviceId: device.id, type: 'round', payload: { round } },
              { deviceId: device.id },
            );
          }
        }
        await mdm.emit('policy.defaultChanged', { policyId: null });
        const expected = 3 + 15 + 1;
        await new Promise((resolve) => setTimeout(resolve, 600));
        const failing = await mdm.webhooks.deliveries({ status: ['pending'] });
        expect(failing.items.length).toBeGreaterThan(0);
        expect(failing.items.some((d) => d.attempts > 1 && d.lastError !== null)).toBe(true);

        await receiver.up();
        await receiver.waitFor(expected);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(receiver.received).toHaveLength(expected);
        const ids = receiver.received.map((r) => r.headers['webhook-id']);
        expect(new Set(ids).size).toBe(expected);
        const byDevice = verifiedByDevice(receiver, secret);
        for (const device of devices) {
          const order = byDevice.get(device.id)!;
          expect(order).toHaveLength(6);
          expect([...order].sort((a, b) => (a < b ? -1 : 1))).toEqual(order);
        }
        const delivered = await mdm.webhooks.deliveries({ status: ['delivered'], limit: 100 });
        expect(delivered.items).toHaveLength(expected);
        expect(delivered.items.every((d) => d.lastStatusCode === 204 && d.deliveredAt !== null)).toBe(true);
      },
    );
  });

  it('keeps event processing moving while one receiver hangs and another cuts connections', async () => {
    const hanging = await WebhookReceiver.start();
    const closing = await WebhookReceiver.start();
    hanging.mode = 'hang';
    closing.mode = 'close';
    receiver.received.length = 0;
    receiver.mode = { status: 200 };
    const secret = generateWebhookSecret();
    try {
      await withMDM(
        {
          webhooks: {
            ...fast,
            timeoutMs: 300,
            endpoints: [
              { url: hanging.url, secret },
              { url: closing.url, secret },
              { url: receiver.url, secret },
            ],
          },
          jobs,
        },
        async ({ mdm }) => {
          const device = await mdm.devices.create({ name: 'busy' });
          for (let i = 0; i < 20; i++) {
            await mdm.emit(
              'device.event',
              { deviceId: device.id, type: 'tick', payload: i },
              { deviceId: device.id },
            );
          }
          await receiver.waitFor(21, 10_000);
          const order = verifiedByDevice(receiver, secret).get(device.id)!;
          expect([...order].sort((a, b) => (a < b ? -1 : 1))).toEqual(order);
          // the two broken receivers hold only their own queues, each with its failure recorded
          let errors: string[] = [];
          for (let tries = 0; tries < 100; tries++) {
            const stuck = await mdm.webhooks.deliveries({ status: ['pending'], limit: 100 });
            errors = stuck.items.flatMap((d) => (d.lastError ? [d.lastError] : []));
            if (
              errors.some((e) => e.startsWith('timed out')) &&
              errors.some((e) => !e.startsWith('timed out'))
            )
              break;
            await new Promise((r) => setTimeout(r, 100));
          }
          expect(errors.some((e) => e.startsWith('timed out'))).toBe(true);
          expect(errors.some((e) => !e.startsWith('timed out'))).toBe(true);
        },
      );
    } finally {
      await hanging.down();
      await closing.down();
      receiver.mode = { status: 204 };
    }
  });

  it('dead-letters after the last attempt, and replays on demand', async () => {
    receiver.received.length = 0;
    receiver.mode = { status: 500 };
    const secret = generateWebhookSecret();
    try {
      await withMDM(
        {
          webhooks: {
            ...fast,
            maxAttempts: 3,
            endpoints: [{ url: receiver.url, secret, events: ['device.*'] }],
          },
          jobs,
        },
        async ({ mdm }) => {
          const device = await mdm.devices.create({ name: 'dead' });
          const dead = await eventually(async () => {
            const page = await mdm.webhooks.deliveries({ status: ['dead'] });
            return page.items[0];
          });
          expect(dead).toMatchObject({
            deviceId: device.id,
            eventType: 'device.enrolled',
            attempts: 3,
            lastStatusCode: 500,
          });
          expect(dead.lastError).toContain('HTTP 500: receiver says no');
          expect(dead.nextAttemptAt).toBeNull();

          receiver.mode = { status: 200 };
          const replayed = await mdm.webhooks.replay(dead.id);
          expect(replayed).toMatchObject({ status: 'pending', attempts: 0 });
          await receiver.waitFor(1);
          expect(receiver.received[0]!.headers['webhook-id']).toBe(dead.id);
          await eventually(
            async () => (await mdm.webhooks.deliveries({ status: ['delivered'] })).items.length === 1,
          );
        },
      );
    } finally {
      receiver.mode = { status: 204 };
    }
  });

  it('manages stored endpoints: create, list, get, update, test, deliveries, delete', async () => {
    receiver.received.length = 0;
    const configured = generateWebhookSecret();
    await withMDM(
      {
        webhooks: { ...fast, endpoints: [{ url: `${receiver.url}?from=config`, secret: configured }] },
        jobs,
      },
      async ({ mdm }) => {
        const created = await mdm.webhooks.create({
          url: receiver.url,
          events: ['command.*'],
          description: 'ops',
        });
        expect(created.secret).toMatch(/^whsec_/);
        expect(created).toMatchObject({
          source: 'database',
          events: ['command.*'],
          enabled: true,
          secretCount: 1,
        });
        const list = await mdm.webhooks.list();
        expect(list.map((e) => e.source)).toEqual(['config', 'database']);
        expect(JSON.stringify(list)).not.toContain('whsec_');
        expect(await mdm.webhooks.get(created.id)).toMatchObject({ id: created.id, description: 'ops' });

        const device = await mdm.devices.create({ name: 'crud' });
        const command = await mdm.commands.send(device.id, { type: 'sync' });
        await eventually(async () => {
          const page = await mdm.webhooks.deliveries({ endpointId: created.id, status: ['delivered'] });
          return page.items.length === 1;
        });
        // The config endpoint got the same events; keep what the stored endpoint's secret verifies.
        const stored = receiver.received.map((r) => {
          try {
            return verifyWebhook<Body>(r.body, r.headers, created.secret);
          } catch {
            return null;
          }
        });
        expect(stored.filter(Boolean).map((b) => b!.type)).toEqual(['command.created']);
        expect(stored.find(Boolean)!.data.payload).toMatchObject({ commandId: command.id, type: 'sync' });

        const test = await mdm.webhooks.test(created.id);
        expect(test).toMatchObject({ ok: true, statusCode: 204, error: null });
        const testHit = receiver.received.at(-1)!;
        expect(verifyWebhook<Body>(testHit.body, testHit.headers, created.secret).type).toBe('webhook.test');

        const rotated = generateWebhookSecret();
        const updated = await mdm.webhooks.update(created.id, {
          events: ['device.*'],
          secrets: [rotated, created.secret],
        });
        expect(updated).toMatchObject({ events: ['device.*'], secretCount: 2 });
        await expect(mdm.webhooks.update(list[0]!.id, { enabled: false })).rejects.toMatchObject({
          code: 'CONFLICT',
          details: { reason: 'WEBHOOK_ENDPOINT_READ_ONLY' },
        });

        receiver.mode = 'hang';
        await mdm.devices.update(device.id, { name: 'renamed' });
        await eventually(async () => {
          const page = await mdm.webhooks.deliveries({ endpointId: created.id, eventType: 'device.updated' });
          return page.items.length === 1;
        });
        await mdm.webhooks.delete(created.id);
        receiver.mode = { status: 204 };
        await expect(mdm.webhooks.get(created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await eventually(async () => {
          const page = await mdm.webhooks.deliveries({ eventType: 'device.updated', status: ['cancelled'] });
          return page.items.length === 1 && page.items[0]!.lastError === 'endpoint deleted';
        });

        const paged = await mdm.webhooks.deliveries({ limit: 1 });
        expect(paged.items).toHaveLength(1);
        const next = await mdm.webhooks.deliveries({ limit: 1, cursor: paged.nextCursor! });
        expect(next.items[0]!.id < paged.items[0]!.id).toBe(true);
      },
    );
  });

  it('validates endpoints with clear errors and refuses private destinations unless allowed', async () => {
    await withMDM({ jobs: { enabled: false } }, async ({ mdm }) => {
      await expect(mdm.webhooks.create({ url: receiver.url })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
        issues: [{ path: ['url'], message: expect.stringMatching(/private, loopback or link-local/) }],
      });
      await expect(
        mdm.webhooks.create({ url: 'http://169.254.169.254/latest/meta-data' }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
      await expect(mdm.webhooks.create({ url: 'ftp://example.com/x' })).rejects.toThrow(/http\(s\) URL/);
      await expect(mdm.webhooks.create({ url: 'https://u:p@example.com/x' })).rejects.toThrow(/credentials/);
      await expect(
        mdm.webhooks.create({ url: 'https://93.184.216.34/x', events: ['device..x'] }),
      ).rejects.toThrow(/events\.0/);
      await expect(
        mdm.webhooks.create({ url: 'https://93.184.216.34/x', secrets: ['plain-secret'] }),
      ).rejects.toThrow(/whsec_/);
      const ok = await mdm.webhooks.create({ url: 'https://93.184.216.34/x' });
      expect(ok.url).toBe('https://93.184.216.34/x');
      const secret = generateWebhookSecret();
      const build = (webhooks: MDMConfig['webhooks']) => () =>
        createMDM({ database: mdm.database, webhooks });
      expect(build({ endpoints: [{ url: 'nope', secret }] })).toThrow(
        /config\.webhooks: must be an http\(s\) URL at endpoints\.0\.url/,
      );
      expect(build({ endpoints: [{ url: receiver.url, secret: 'short' }] })).toThrow(/endpoints\.0\.secret/);
      expect(build({ endpoints: [{ url: receiver.url, secret, events: ['a b'] }] })).toThrow(
        /endpoints\.0\.events\.0/,
      );
      expect(build({ timeoutMs: 5 })).toThrow(/timeoutMs/);
      expect(
        build({
          endpoints: [
            { url: receiver.url, secret },
            { url: receiver.url, secret },
          ],
        }),
      ).toThrow(/defined twice/);
    });
  });

  it('refuses at delivery time a destination that is private when private networks are not allowed', async () => {
    receiver.received.length = 0;
    const secret = generateWebhookSecret();
    await withMDM(
      {
        webhooks: {
          ...fast,
          allowPrivateNetworks: false,
          maxAttempts: 1,
          endpoints: [{ url: receiver.url, secret }],
        },
        jobs,
      },
      async ({ mdm }) => {
        await mdm.devices.create({ name: 'ssrf' });
        const dead = await eventually(
          async () => (await mdm.webhooks.deliveries({ status: ['dead'] })).items[0],
        );
        expect(dead.lastError).toMatch(/private, loopback or link-local/);
        expect(receiver.received).toHaveLength(0);
      },
    );
  });
});
