import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { connectAsync, type IPublishPacket } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../errors.js';
import { type PushMessageInput, pushMessageSchema } from '../types.js';
import { startEmbeddedBroker } from './embedded-broker.js';
import { type MqttPushAdapter, type MqttPushAdapterOptions, mqttPushAdapter } from './index.js';

/** The Mosquitto broker running on this machine. */
const MOSQUITTO = 'mqtt://127.0.0.1:1883';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((resource) => resource.close()));
});

/** A prefix no other run shares, so parallel runs on one broker never see each other's messages. */
const uniquePrefix = () => `openmdm-test/${randomUUID()}/devices`;
const wake = (input: PushMessageInput = {}) => pushMessageSchema.parse(input);
const target = (deviceId: string) => ({ deviceId, provider: null, token: null });

function adapter(options: Partial<MqttPushAdapterOptions> = {}): MqttPushAdapter {
  const created = mqttPushAdapter({ url: MOSQUITTO, topicPrefix: uniquePrefix(), ...options });
  open.push(created);
  return created;
}

async function untilHealthy(push: MqttPushAdapter): Promise<void> {
  await vi.waitFor(async () => expect(await push.health()).toMatchObject({ ok: true }), {
    timeout: 10_000,
    interval: 20,
  });
}

/** A plain MQTT client standing in for a device: records what it receives, publishes what a device would. */
async function device(url: string, subscribeTo?: string) {
  const client = await connectAsync(url, { clean: true, reconnectPeriod: 0 });
  const received: { topic: string; body: Record<string, unknown>; packet: IPublishPacket }[] = [];
  client.on('message', (topic, payload, packet) => {
    received.push({ topic, body: JSON.parse(payload.toString()), packet });
  });
  if (subscribeTo) await client.subscribeAsync(subscribeTo, { qos: 1 });
  const handle = {
    received,
    publish: (topic: string, body: unknown) => client.publishAsync(topic, JSON.stringify(body), { qos: 1 }),
    close: () => client.endAsync(),
  };
  open.push(handle);
  return handle;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('mqttPushAdapter against Mosquitto', () => {
  it('publishes the wake-up on {prefix}/{deviceId}/commands with QoS 1, not retained', async () => {
    const topicPrefix = uniquePrefix();
    const push = adapter({ topicPrefix });
    const phone = await device(MOSQUITTO, `${topicPrefix}/dev-1/commands`);

    const result = await push.send(
      target('dev-1'),
      wake({ type: 'command', commandId: 'cmd-1', priority: 'high' }),
    );

    expect(result).toEqual({ deviceId: 'dev-1', ok: true, messageId: expect.any(String) });
    await vi.waitFor(() => expect(phone.received).toHaveLength(1));
    const [message] = phone.received;
    expect(message?.topic).toBe(`${topicPrefix}/dev-1/commands`);
    expect(message?.packet).toMatchObject({ qos: 1, retain: false });
    expect(message?.body).toEqual({
      messageId: result.ok && result.messageId,
      type: 'command',
      commandId: 'cmd-1',
      priority: 'high',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('sends to many devices, each on its own topic', async () => {
    const topicPrefix = uniquePrefix();
    const push = adapter({ topicPrefix });
    const listener = await device(MOSQUITTO, `${topicPrefix}/+/commands`);
    const ids = ['a', 'b', 'c'];

    const results = await push.sendMany(ids.map(target), wake({ data: { hint: 'x' } }));

    expect(results.map((r) => [r.deviceId, r.ok])).toEqual(ids.map((id) => [id, true]));
    await vi.waitFor(() => expect(listener.received).toHaveLength(3));
    expect(listener.received.map((m) => m.topic).sort()).toEqual(
      ids.map((id) => `${topicPrefix}/${id}/commands`),
    );
    expect(listener.received[0]?.body).toMatchObject({
      type: 'sync',
      priority: 'normal',
      data: { hint: 'x' },
    });
  });

  it('delivers presence and acks published by devices to the listeners', async () => {
    const topicPrefix = uniquePrefix();
    const push = adapter({ topicPrefix, presence: true, acks: true });
    const presence = vi.fn();
    const acks = vi.fn();
    push.onPresence(presence);
    const stopAcks = push.onAck(acks);
    await untilHealthy(push); // connected and subscribed
    const phone = await device(MOSQUITTO);

    await phone.publish(`${topicPrefix}/dev-1/presence`, { online: true });
    await phone.publish(`${topicPrefix}/dev-1/ack`, { messageId: 'm-1' });
    await phone.publish(`${topicPrefix}/dev-2/presence`, { online: 'yes' }); // malformed: ignored

    await vi.waitFor(() => expect(acks).toHaveBeenCalledTimes(1));
    expect(presence.mock.calls).toEqual([[{ deviceId: 'dev-1', online: true }]]);
    expect(acks).toHaveBeenCalledWith({ deviceId: 'dev-1', messageId: 'm-1' });

    stopAcks();
    await phone.publish(`${topicPrefix}/dev-1/ack`, { messageId: 'm-2' });
    await phone.publish(`${topicPrefix}/dev-1/presence`, { online: false });
    await vi.waitFor(() => expect(presence).toHaveBeenCalledTimes(2));
    expect(acks).toHaveBeenCalledTimes(1);
  });

  it('keeps delivering when a listener throws or rejects', async () => {
    const topicPrefix = uniquePrefix();
    const push = adapter({ topicPrefix, presence: true });
    const after = vi.fn();
    push.onPresence(() => {
      throw new Error('listener bug');
    });
    push.onPresence(async () => {
      throw new Error('async listener bug');
    });
    push.onPresence(after);
    await untilHealthy(push);
    const phone = await device(MOSQUITTO);

    await phone.publish(`${topicPrefix}/dev-1/presence`, { online: true });

    await vi.waitFor(() => expect(after).toHaveBeenCalledOnce());
  });

  it('refuses listeners for events it was not asked to subscribe to', () => {
    const push = adapter();
    expect(() => push.onPresence(() => {})).toThrow(ValidationError);
    expect(() => push.onAck(() => {})).toThrow(/acks: true/);
  });

  it('advertises the broker URL, without the server credentials, and the device topic', () => {
    const push = adapter({ url: 'mqtt://server:s3cret@127.0.0.1:1883', topicPrefix: 'fleet/devices' });
    expect(push.pushConfig('dev-1')).toEqual({
      mqttUrl: 'mqtt://127.0.0.1:1883',
      mqttTopic: 'fleet/devices/dev-1',
    });
    expect(adapter().pushConfig('d')).toMatchObject({ mqttUrl: MOSQUITTO });
  });

  it('refuses a device id that would escape its topic level', async () => {
    const push = adapter();
    for (const deviceId of ['a/b', '+', '#', '']) {
      expect(await push.send(target(deviceId), wake())).toMatchObject({ ok: false, reason: 'permanent' });
    }
  });

  it('answers permanent once closed', async () => {
    const push = mqttPushAdapter({ url: MOSQUITTO, topicPrefix: uniquePrefix() });
    await untilHealthy(push);
    await push.close();
    await push.close(); // idempotent
    expect(await push.send(target('dev-1'), wake())).toMatchObject({ ok: false, reason: 'permanent' });
    expect(await push.health()).toEqual({ ok: false, provider: 'mqtt', detail: 'closed' });
  });
});

describe('mqttPushAdapter without a broker', () => {
  it('answers transient within the connect timeout when the broker is unreachable', async () => {
    // With a one-minute PUBACK timeout, an answer well before it proves the send did not wait for it.
    const push = adapter({
      url: `mqtt://127.0.0.1:${await freePort()}`,
      connectTimeoutMs: 300,
      publishTimeoutMs: 60_000,
    });

    const started = performance.now();
    const [one, many] = await Promise.all([
      push.send(target('dev-1'), wake()),
      push.sendMany([target('dev-2'), target('dev-3')], wake()),
    ]);
    const elapsed = performance.now() - started;

    expect(one).toMatchObject({ ok: false, reason: 'transient', error: 'not connected to the MQTT broker' });
    expect(many).toMatchObject([
      { ok: false, reason: 'transient' },
      { ok: false, reason: 'transient' },
    ]);
    expect(elapsed).toBeLessThan(30_000);
    expect(await push.health()).toMatchObject({
      ok: false,
      detail: expect.stringContaining('not connected'),
    });
  });

  it('reconnects after the broker comes back', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    const push = adapter({
      url: broker.url,
      connectTimeoutMs: 300,
      reconnectPeriodMs: 50,
      publishTimeoutMs: 60_000,
    });
    await untilHealthy(push);
    expect(await push.send(target('dev-1'), wake())).toMatchObject({ ok: true });

    await broker.close();
    const started = performance.now();
    // Whether the client has noticed the outage yet or not, the send must not wait for the PUBACK timeout.
    expect(await push.send(target('dev-1'), wake())).toMatchObject({ ok: false, reason: 'transient' });
    expect(performance.now() - started).toBeLessThan(30_000);

    const restarted = await startEmbeddedBroker({ port: broker.port });
    open.push(restarted);
    await untilHealthy(push);
    expect(await push.send(target('dev-1'), wake())).toMatchObject({ ok: true });
  });
});

describe('mqttPushAdapter options', () => {
  it.each([
    [{ url: 'http://127.0.0.1' }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ url: MOSQUITTO, topicPrefix: 'a/+/b' }, 'topicPrefix'],
    [{ url: MOSQUITTO, topicPrefix: 'a//b' }, 'topicPrefix'],
    [{ url: MOSQUITTO, qos: 3 }, 'qos'],
    [{ url: MOSQUITTO, connectTimeoutMs: 0 }, 'connectTimeoutMs'],
    [{ url: MOSQUITTO, tls: { rejectUnauthorised: false } }, 'tls'],
    [{ url: MOSQUITTO, retain: true }, ''],
  ])('rejects %j with a typed error at %s', (options, path) => {
    const create = () => mqttPushAdapter(options as MqttPushAdapterOptions);
    expect(create).toThrow(ValidationError);
    expect(create).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_ERROR',
        issues: expect.arrayContaining([expect.objectContaining({ path: path ? [path] : [] })]),
      }),
    );
  });
});
