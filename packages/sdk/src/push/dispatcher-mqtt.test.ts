import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { eq } from 'drizzle-orm';
import { connectAsync } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/helpers/webhook-receiver.js';
import { commands } from '../db/schema/index.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { mqttPushAdapter } from './mqtt/index.js';

const broker = 'mqtt://127.0.0.1:1883';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Mosquitto of our own on a free port, so the test can stop it. */
async function startPrivateBroker(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  await eventually(async () => {
    const probe = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 });
    await probe.endAsync();
    return true;
  }, 5000);
  return { url, process: child };
}

describe('push dispatcher on MQTT (Mosquitto)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('wakes a device through the broker; the command is sent once the broker acknowledged', async () => {
    const topicPrefix = `openmdm-test/${randomUUID()}`;
    const subscriber = await connectAsync(broker);
    cleanups.push(() => subscriber.endAsync());
    await subscriber.subscribeAsync(`${topicPrefix}/+/commands`, { qos: 1 });
    const received: { topic: string; body: Record<string, unknown> }[] = [];
    subscriber.on('message', (topic, payload) =>
      received.push({ topic, body: JSON.parse(payload.toString()) }),
    );

    const push = mqttPushAdapter({ url: broker, topicPrefix });
    cleanups.push(() => push.close());
    const t: TestMDM = await createTestMDM('postgres', { push, jobs: { enabled: false } });
    cleanups.push(() => t.cleanup());
    const device = await t.mdm.devices.create({ name: 'mqtt' });
    const command = await t.mdm.devices.reboot(device.id);

    await eventually(() => received.length === 1, 5000);
    expect(received[0]!.topic).toBe(`${topicPrefix}/${device.id}/commands`);
    expect(received[0]!.body).toMatchObject({ type: 'command', commandId: command.id, priority: 'high' });
    await eventually(async () => (await t.mdm.commands.get(command.id)).status === 'sent');
  });

  it('completes the command through the heartbeat while the broker is stopped', async () => {
    const own = await startPrivateBroker();
    cleanups.push(async () => own.process.kill('SIGKILL'));
    const push = mqttPushAdapter({
      url: own.url,
      connectTimeoutMs: 300,
      publishTimeoutMs: 300,
      reconnectPeriodMs: 100,
    });
    cleanups.push(() => push.close());
    await eventually(async () => (await push.health()).ok, 5000);
    const t = await createTestMDM('postgres', {
      push,
      pushDispatch: { retryBaseDelayMs: 50, maxAttempts: 2 },
      jobs: { enabled: false },
    });
    cleanups.push(() => t.cleanup());
    const device = await t.mdm.devices.create({ name: 'offline-broker' });

    own.process.kill('SIGTERM');
    await new Promise((resolve) => own.process.once('exit', resolve));
    await eventually(async () => !(await push.health()).ok, 5000);

    const command = await t.mdm.devices.sendCommand(device.id, {
      type: 'runApp',
      payload: { packageName: 'com.acme.pos' },
    });
    const failedPush = await eventually(async () => {
      const [row] = await t.mdm.database.db
        .select({ status: commands.status, error: commands.lastPushError })
        .from(commands)
        .where(eq(commands.id, command.id));
      return row?.status === 'pending' ? row.error : null;
    }, 5000);
    expect(failedPush).toMatch(/^transient: /);

    // The device's next heartbeat delivers the command; the agent acks and completes it.
    const [delivered] = await t.mdm.commands.takeForDelivery(device.id);
    expect(delivered).toMatchObject({ id: command.id, status: 'sent' });
    await t.mdm.commands.acknowledge(command.id, { deviceId: device.id });
    const done = await t.mdm.commands.complete(
      command.id,
      { success: true, message: 'App com.acme.pos launched' },
      {
        deviceId: device.id,
      },
    );
    expect(done.status).toBe('completed');
    const via = await t.mdm.events({ commandId: command.id, types: ['command.sent'] });
    expect(via.map((e) => (e.payload as { via: string }).via)).toEqual(['heartbeat']);
  });
});
