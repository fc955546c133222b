import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import { commands } from '../db/schema/index.js';
import { createTestMDM, RecordingPushAdapter, type TestMDM } from '../testing/index.js';
import { generateWebhookSecret } from './secrets.js';
import { verifyWebhook } from './verify-webhook.js';

// The embedded database runs the same claims, advisory locks and SKIP LOCKED queries as Postgres.
describe('webhooks, push and jobs on the embedded database (PGlite)', () => {
  const push = new RecordingPushAdapter();
  const secret = generateWebhookSecret();
  let receiver: WebhookReceiver;
  let t: TestMDM;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    receiver.mode = { status: 503 };
    t = await createTestMDM('pglite', {
      push,
      webhooks: {
        allowPrivateNetworks: true,
        retryBaseDelayMs: 20,
        retryMaxDelayMs: 80,
        endpoints: [{ url: receiver.url, secret, events: ['device.*'] }],
      },
      jobs: { ackTimeoutSeconds: 10, intervalsMs: { 'webhooks.deliver': 20 } },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
    await receiver?.down();
  });

  it('delivers in order per device after the receiver recovers', async () => {
    const [a, b] = await Promise.all([
      t.mdm.devices.create({ name: 'a' }),
      t.mdm.devices.create({ name: 'b' }),
    ]);
    for (let i = 0; i < 5; i++) {
      for (const device of [a!, b!]) {
        await t.mdm.emit(
          'device.event',
          { deviceId: device.id, type: 'n', payload: i },
          { deviceId: device.id },
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    receiver.mode = { status: 200 };
    await receiver.waitFor(12);
    for (const device of [a!, b!]) {
      const ids = receiver.received
        .map(
          (r) =>
            verifyWebhook<{ data: { eventId: string; deviceId: string } }>(r.body, r.headers, secret).data,
        )
        .filter((data) => data.deviceId === device.id)
        .map((data) => Number(data.eventId));
      expect(ids).toHaveLength(6);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    }
  });

  it('pushes wake-ups and runs the watchdog', async () => {
    const device = await t.mdm.devices.create({ name: 'pushed' });
    const command = await t.mdm.devices.sync(device.id);
    await eventually(async () => (await t.mdm.commands.get(command.id)).status === 'sent');
    expect(push.to(device.id)).toHaveLength(1);
    await t.mdm.commands.acknowledge(command.id);
    await t.mdm.database.db
      .update(commands)
      .set({ acknowledgedAt: sql`now() - interval '1 hour'` })
      .where(eq(commands.id, command.id));
    expect(await t.mdm.jobs.runOnce('commands.ackWatchdog')).toBe(1);
    expect((await t.mdm.commands.get(command.id)).status).toBe('failed');
  });
});
