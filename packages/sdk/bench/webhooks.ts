/**
 * Webhook and push figures, printed (never asserted):
 * - webhook deliveries per second from the outbox to a local receiver (its own process), with the latency from
 *   the event's commit (`emit` resolved) to the receiver's arrival time, under load and one event at a time;
 * - push dispatch throughput with the MQTT adapter against Mosquitto on 127.0.0.1:1883, if it is running:
 *   commands sent one by one (create → wake-up → broker ack → `sent`), and policy wake-ups for a large group.
 *
 *   pnpm --filter @openmdm/sdk bench:webhooks [--events 3000] [--devices 50] [--push-devices 2000]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { createMDM, type MDMInstance } from '../src/create-mdm.js';
import { postgresAdapter } from '../src/db/drizzle/node-postgres.js';
import { createTestDatabase } from '../src/testing/index.js';
import { generateWebhookSecret } from '../src/webhooks/secrets.js';

const { values: args } = parseArgs({
  options: {
    receiver: { type: 'boolean', default: false },
    events: { type: 'string', default: '3000' },
    devices: { type: 'string', default: '50' },
    emitters: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '32' },
    'push-devices': { type: 'string', default: '2000' },
  },
});

type Arrival = { eventId: string; at: number };

/** The receiver process: answers 204 and remembers when each event arrived. */
function runReceiver(): void {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { eventId: string } };
      arrivals.push({ eventId: body.data.eventId, at });
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message: { take?: boolean }) => {
    if (message.take) process.send!({ arrivals: arrivals.splice(0) });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms`;
}

class Receiver {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<Receiver> {
    const child = fork(fileURLToPath(import.meta.url), ['--receiver'], { execArgv: process.execArgv });
    const port = await new Promise<number>((resolve) =>
      child.once('message', (m: { port: number }) => resolve(m.port)),
    );
    return new Receiver(child, `http://127.0.0.1:${port}/hook`);
  }

  take(): Promise<Arrival[]> {
    return new Promise((resolve) => {
      this.child.once('message', (m: { arrivals: Arrival[] }) => resolve(m.arrivals));
      this.child.send({ take: true });
    });
  }

  stop(): void {
    this.child.kill();
  }
}

async function webhookBench(): Promise<void> {
  const EVENTS = Number(args.events);
  const DEVICES = Number(args.devices);
  const EMITTERS = Number(args.emitters);
  const receiver = await Receiver.start();
  const database = await createTestDatabase('postgres');
  const webhooks = {
    allowPrivateNetworks: true,
    concurrency: Number(args.concurrency),
    perEndpointConcurrency: Number(args.concurrency),
    endpoints: [{ url: receiver.url, secret: generateWebhookSecret(), events: ['device.event'] }],
  };
  // One instance writes events (its jobs off); another, with its own pool, delivers them.
  const writer = createMDM({ database: database.adapter, webhooks, jobs: { enabled: false } });
  const deliverer = createMDM({
    database: postgresAdapter({ connectionString: database.url!, max: 10 }),
    webhooks,
  });
  const committed = new Map<string, number>();
  const collect = async (count: number, since: number): Promise<Arrival[]> => {
    const arrivals: Arrival[] = [];
    while (arrivals.length < count) {
      arrivals.push(...(await receiver.take()));
      if (arrivals.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
      if (Date.now() - since > 300_000) throw new Error(`only ${arrivals.length} of ${count} arrived`);
    }
    return arrivals;
  };
  try {
    await writer.ready();
    const devices = await Promise.all(
      Array.from({ length: DEVICES }, (_, i) => writer.devices.create({ name: `b${i}` })),
    );
    const emit = async (deviceId: string, n: number) => {
      const event = await writer.emit('device.event', { deviceId, type: 'bench', payload: n }, { deviceId });
      committed.set(event.id, Date.now());
    };
    const emitMany = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: EMITTERS }, async () => {
          for (let n = next++; n < count; n = next++) await emit(devices[n % DEVICES]!.id, n);
        }),
      );
    };
    await receiver.take();
    console.log(`webhooks to a local receiver, ${DEVICES} devices, ${EMITTERS} concurrent writers:`);

    // Outbox writes, then a backlog drained by the delivering instance.
    let started = Date.now();
    await emitMany(EVENTS);
    console.log(
      `  events written (event + outbox row): ${Math.round((EVENTS / (Date.now() - started)) * 1000)} /s`,
    );
    started = Date.now();
    await deliverer.ready();
    let arrivals = await collect(EVENTS, started);
    const drained = Math.max(...arrivals.map((a) => a.at)) - started;
    console.log(`  deliveries draining a backlog of ${EVENTS}: ${Math.round((EVENTS / drained) * 1000)} /s`);

    // Writes and deliveries at the same time.
    const live = Math.round(EVENTS / 2);
    started = Date.now();
    await emitMany(live);
    arrivals = await collect(live, started);
    const lastArrival = Math.max(...arrivals.map((a) => a.at));
    console.log(
      `  live (${live} events written while delivering): ${Math.round((live / (lastArrival - started)) * 1000)} /s, event → receiver ${summary(arrivals.map((a) => a.at - committed.get(a.eventId)!))}`,
    );

    // One event at a time: the latency a lone event sees.
    const single: number[] = [];
    for (let n = 0; n < 200; n++) {
      await emit(devices[n % DEVICES]!.id, n);
      for (;;) {
        const got = await receiver.take();
        if (got.length > 0) {
          single.push(...got.map((a) => a.at - committed.get(a.eventId)!));
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    console.log(`  one event at a time (200 events), event → receiver ${summary(single)}`);
    const stats = deliverer.webhooks.stats();
    console.log(`  deliverer: ${stats.delivered} delivered, ${stats.failed} failed attempts`);
  } finally {
    await deliverer.close();
    await writer.close();
    await database.drop();
    receiver.stop();
  }
}

async function mosquittoUp(): Promise<boolean> {
  const { connectAsync } = await import('mqtt');
  try {
    const probe = await connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0, connectTimeout: 1000 });
    await probe.endAsync();
    return true;
  } catch {
    return false;
  }
}

async function pushBench(): Promise<void> {
  if (!(await mosquittoUp())) {
    console.log('push: Mosquitto is not running on 127.0.0.1:1883; skipped');
    return;
  }
  const { connectAsync } = await import('mqtt');
  const { mqttPushAdapter } = await import('../src/push/mqtt/index.js');
  const DEVICES = Number(args['push-devices']);
  const topicPrefix = `openmdm-bench/${randomUUID()}`;
  const subscriber = await connectAsync('mqtt://127.0.0.1:1883');
  // QoS 0 on the bench's own subscriber: at QoS 1, Mosquitto holds at most 20 in flight plus 1,000 queued
  // messages per subscriber and drops the rest, so a burst of 2,000 wake-ups would never all be counted.
  // The adapter still publishes at QoS 1 and waits for the broker's acknowledgement.
  await subscriber.subscribeAsync(`${topicPrefix}/+/commands`, { qos: 0 });
  const received = { command: 0, policy: 0 };
  subscriber.on('message', (_topic, payload) => {
    const type = (JSON.parse(payload.toString()) as { type: 'command' | 'policy' }).type;
    received[type]++;
  });
  const push = mqttPushAdapter({ url: 'mqtt://127.0.0.1:1883', topicPrefix });
  const database = await createTestDatabase('postgres');
  const mdm: MDMInstance = createMDM({
    database: database.adapter,
    push,
    pushDispatch: { policyWakeUps: { coalesceMs: 100, maxPerSecond: 100_000 } },
  });
  const waitFor = async (check: () => boolean | Promise<boolean>) => {
    const deadline = Date.now() + 120_000;
    while (!(await check())) {
      if (Date.now() > deadline)
        throw new Error(`push bench timed out (${JSON.stringify(received)} received)`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  try {
    await mdm.ready();
    const group = await mdm.groups.create({ name: 'bench' });
    const ids: string[] = [];
    for (let start = 0; start < DEVICES; start += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, DEVICES - start) }, (_, i) =>
          mdm.devices.create({ name: `p${start + i}` }),
        ),
      );
      ids.push(...batch.map((d) => d.id));
    }
    await mdm.database.db.execute(
      sql`insert into mdm_device_groups (device_id, group_id) select id, ${group.id} from mdm_devices`,
    );

    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let n = next++; n < ids.length; n = next++) await mdm.devices.sync(ids[n]!);
      }),
    );
    const created = Date.now();
    await waitFor(() => received.command >= DEVICES);
    const published = Date.now();
    await waitFor(async () => {
      const result = await mdm.database.db.execute(
        sql`select count(*)::int as n from mdm_commands where status = 'sent'`,
      );
      return (result as unknown as { rows: { n: number }[] }).rows[0]!.n >= DEVICES;
    });
    const sent = Date.now();
    console.log(`push over MQTT (Mosquitto), ${DEVICES} devices:`);
    console.log(
      `  commands created: ${Math.round((DEVICES / (created - started)) * 1000)} /s (32 concurrent callers)`,
    );
    console.log(`  wake-ups at the subscriber: ${Math.round((DEVICES / (published - started)) * 1000)} /s`);
    console.log(
      `  commands marked sent after broker ack: ${Math.round((DEVICES / (sent - started)) * 1000)} /s`,
    );

    const policy = await mdm.policies.create({ name: 'bench' });
    const wakeStart = Date.now();
    await mdm.groups.update(group.id, { policyId: policy.id });
    await waitFor(() => received.policy >= DEVICES);
    console.log(
      `  policy wake-ups for a ${DEVICES}-device group: ${Math.round((DEVICES / (Date.now() - wakeStart)) * 1000)} /s (incl. 100 ms coalescing)`,
    );
  } finally {
    await mdm.close();
    await push.close();
    await subscriber.endAsync();
    await database.drop();
  }
}

if (args.receiver) {
  runReceiver();
} else {
  await webhookBench();
  await pushBench();
  process.exit(0);
}
