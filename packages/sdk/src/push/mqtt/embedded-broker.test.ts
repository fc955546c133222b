import { connectAsync } from 'mqtt';
import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../errors.js';
import { pushMessageSchema } from '../types.js';
import { startEmbeddedBroker } from './embedded-broker.js';
import { mqttPushAdapter } from './mqtt-push-adapter.js';

describe('startEmbeddedBroker', () => {
  it('carries wake-ups, presence and acks end to end', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    const push = mqttPushAdapter({ url: broker.url, presence: true, acks: true });
    const phone = await connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
      const commands: string[] = [];
      phone.on('message', (_topic, payload) => commands.push(payload.toString()));
      await phone.subscribeAsync('openmdm/devices/dev-1/commands', { qos: 1 });
      const acks = vi.fn();
      const presence = vi.fn();
      push.onAck(acks);
      push.onPresence(presence);
      await vi.waitFor(async () => expect(await push.health()).toMatchObject({ ok: true }), {
        timeout: 5_000,
      });

      const result = await push.send(
        { deviceId: 'dev-1', provider: null, token: null },
        pushMessageSchema.parse({}),
      );
      await vi.waitFor(() => expect(commands).toHaveLength(1));
      const { messageId } = JSON.parse(commands[0]!);
      await phone.publishAsync('openmdm/devices/dev-1/ack', JSON.stringify({ messageId }), { qos: 1 });
      await phone.publishAsync('openmdm/devices/dev-1/presence', JSON.stringify({ online: true }), {
        qos: 1,
      });

      expect(result).toEqual({ deviceId: 'dev-1', ok: true, messageId });
      await vi.waitFor(() => expect(acks).toHaveBeenCalledWith({ deviceId: 'dev-1', messageId }));
      await vi.waitFor(() => expect(presence).toHaveBeenCalledWith({ deviceId: 'dev-1', online: true }));
    } finally {
      await phone.endAsync();
      await push.close();
      await broker.close();
    }
  });

  it('closes while clients are still connected', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    const phone = await connectAsync(broker.url, { reconnectPeriod: 0 });
    await broker.close();
    await vi.waitFor(() => expect(phone.connected).toBe(false));
    await phone.endAsync(true);
  });

  it('rejects bad options with a typed error', async () => {
    await expect(startEmbeddedBroker({ port: 70_000 })).rejects.toThrow(ValidationError);
  });

  it('reports a port that is already taken', async () => {
    const first = await startEmbeddedBroker({ port: 0 });
    try {
      await expect(startEmbeddedBroker({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
