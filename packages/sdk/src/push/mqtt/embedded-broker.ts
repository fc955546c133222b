import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { z } from 'zod';
import { parseInput } from '../../util/validate.js';

/**
 * An in-process MQTT broker (aedes on node:net) for demos and tests: no authentication, no persistence,
 * plain TCP. Production wants a real broker (Mosquitto, EMQX, HiveMQ) with TLS and ACLs.
 */
export interface EmbeddedBroker {
  /** `mqtt://host:port`, ready for `mqttPushAdapter({ url })`. */
  readonly url: string;
  /** The port listened on (the one chosen by the OS when `port` was 0). */
  readonly port: number;
  /** Disconnects every client and stops listening. */
  close(): Promise<void>;
}

const optionsSchema = z.strictObject({
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(1883),
  host: z.string().min(1).default('127.0.0.1'),
});

export type EmbeddedBrokerOptions = z.input<typeof optionsSchema>;

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const { port, host } = parseInput(optionsSchema, options, 'startEmbeddedBroker options');
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  }
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `mqtt://${urlHost}:${boundPort}`,
    port: boundPort,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      // Also drop sockets that never completed an MQTT CONNECT, or server.close() would wait for them.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
