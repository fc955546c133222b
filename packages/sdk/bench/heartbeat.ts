/**
 * Heartbeat throughput: a bare `node:http` server that only parses the same JSON body, and the OpenMDM agent
 * handler on `node:http` against a fresh Postgres database, driven by the same load generator (32 keep-alive
 * connections, a fixed number of requests each). Each server runs in its own process; this one generates load.
 *
 *   pnpm --filter @openmdm/sdk bench:heartbeat [--devices 1000] [--requests 1500] [--connections 32] [--kiosk]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAgentHandler, toNodeListener } from '../src/agent-http/index.js';
import { createMDM } from '../src/create-mdm.js';
import { kioskPlugin } from '../src/plugins/kiosk/index.js';
import { hmacCanonicalMessage } from '../src/protocol/canonical.js';
import { hmacSignature } from '../src/protocol/signatures.js';
import { createTestDatabase, testSecrets } from '../src/testing/index.js';
import { encodeRequest, runLoad } from './load-generator.js';

const { values: args } = parseArgs({
  options: {
    serve: { type: 'string' },
    devices: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '1500' },
    connections: { type: 'string', default: '32' },
    apps: { type: 'string', default: '50' },
    kiosk: { type: 'boolean', default: false },
  },
});
const DEVICES = Number(args.devices);
const REQUESTS = Number(args.requests);
const CONNECTIONS = Number(args.connections);
const APPS = Number(args.apps);
/** `--kiosk`: the server runs the kiosk plugin, so every heartbeat also goes through its heartbeat hook. */
const KIOSK = args.kiosk ?? false;

/** Settles once the server's CPU profile (if one was asked for) is written; the server exits after it. */
let profiled: Promise<void> = Promise.resolve();

interface Ready {
  port: number;
  devices: { id: string; token: string }[];
}

/** A heartbeat as the agent emits it: alphabetical keys, nulls omitted, `APPS` installed apps. */
function heartbeatBody(deviceId: string, n: number): string {
  const installedApps = Array.from({ length: APPS }, (_, i) => ({
    packageName: `com.example.app${i}`,
    version: `${1 + (i % 7)}.${i % 10}.${(i * 7) % 13}`,
    versionCode: 1000 + i,
  }));
  return JSON.stringify({
    agentVersion: '1.0.0',
    batteryHealth: 'good',
    batteryLevel: 20 + (n % 80),
    deviceId,
    installedApps,
    ipAddress: '192.168.1.42',
    isCharging: n % 2 === 0,
    isEncrypted: true,
    isRooted: false,
    location: { accuracy: 12.5, latitude: 37.4219983, longitude: -122.084 },
    memoryTotal: 3896332288,
    memoryUsed: 2147483648,
    networkName: 'OfficeWiFi',
    networkType: 'wifi',
    policyVersion: '1',
    screenLockEnabled: false,
    storageTotal: 53687091200,
    storageUsed: 21474836480,
    timestamp: new Date().toISOString(),
  });
}

async function serveBare(): Promise<Ready> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { installedApps?: unknown[] };
      const out = JSON.stringify({
        success: true,
        pendingCommands: [],
        apps: body.installedApps?.length ?? 0,
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: `dev_${i}`, token: 'none' }));
  return { port: (server.address() as AddressInfo).port, devices };
}

async function serveOpenMDM(): Promise<Ready> {
  const database = await createTestDatabase('postgres');
  const mdm = createMDM({
    database: database.adapter,
    enrollment: { deviceSecret: testSecrets.deviceSecret },
    auth: { deviceTokenSecret: testSecrets.deviceTokenSecret },
    ...(KIOSK ? { plugins: [kioskPlugin()] } : {}),
  });
  await mdm.ready();
  await mdm.policies.create({ name: 'Fleet default', settings: { disallowCamera: true }, isDefault: true });
  process.on('message', (m) => {
    if (m === 'stop')
      void profiled
        .then(() => mdm.close())
        .then(() => database.drop())
        .then(() => process.exit(0));
  });
  const devices: { id: string; token: string }[] = [];
  for (let start = 0; start < DEVICES; start += 16) {
    const batch = Array.from({ length: Math.min(16, DEVICES - start) }, async (_, k) => {
      const fields = {
        model: 'Pixel 7',
        manufacturer: 'Google',
        osVersion: '14',
        androidId: (start + k).toString(16).padStart(16, '0'),
        method: 'manual',
        timestamp: new Date().toISOString(),
      };
      const result = await mdm.enroll({
        ...fields,
        sdkVersion: 34,
        signature: hmacSignature(hmacCanonicalMessage(fields), testSecrets.deviceSecret),
      });
      return { id: result.deviceId, token: result.token };
    });
    devices.push(...(await Promise.all(batch)));
  }
  const handler = createAgentHandler(mdm, { basePath: '/mdm' });
  const server = createServer(toNodeListener(handler));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, devices };
}

if (args.serve) {
  const ready = args.serve === 'bare' ? await serveBare() : await serveOpenMDM();
  process.on('message', (m) => {
    if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (m === 'profile') profiled = profileUntilStop(args.serve ?? 'server');
  });
  process.send?.(ready);
  process.on('message', (m) => {
    if (m === 'stop' && args.serve === 'bare') void profiled.then(() => process.exit(0));
  });
} else {
  await main();
}

/** BENCH_CPU_PROF=dir: a CPU profile of the measured run only (setup and warm-up left out). */
async function profileUntilStop(name: string): Promise<void> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  await new Promise<void>((resolve) => {
    process.on('message', (m) => {
      if (m === 'stop') resolve();
    });
  });
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(`${process.env.BENCH_CPU_PROF}/heartbeat-${name}.cpuprofile`, JSON.stringify(profile));
}

function startServer(kind: 'bare' | 'openmdm'): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--serve', kind, '--devices', String(DEVICES), '--apps', String(APPS), ...(KIOSK ? ['--kiosk'] : [])],
    {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

interface Result {
  /** CPU microseconds per request: the server process, Postgres (all its processes), this load generator. */
  cpu: { server: number; postgres: number | null; client: number };
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
}

function childCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const listen = (m: unknown) => {
      const cpu = (m as { cpu?: NodeJS.CpuUsage }).cpu;
      if (!cpu) return;
      child.off('message', listen);
      resolve(cpu.user + cpu.system);
    };
    child.on('message', listen);
    child.send('cpu');
  });
}

/** CPU microseconds used so far by Postgres: its processes, live and exited (Linux `/proc`; null elsewhere). */
function postgresCpu(): number | null {
  try {
    const tick = 1e6 / 100; // USER_HZ
    let total = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^[0-9]+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (!stat.includes('(postgres)')) continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime + stime, and cutime + cstime: the postmaster's count of its exited children (autovacuum
        // workers, backends) keeps their CPU in the sum after they are gone.
        total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * tick;
      } catch {
        // the process ended while being read
      }
    }
    return total;
  } catch {
    return null;
  }
}

async function drive(ready: Ready, requestsPerConnection: number, child: ChildProcess): Promise<Result> {
  const requests = ready.devices.map((d, i) =>
    encodeRequest(
      '/mdm/agent/heartbeat',
      {
        authorization: `Bearer ${d.token}`,
        'x-openmdm-protocol': '2',
        'content-type': 'application/json; charset=UTF-8',
        'user-agent': 'okhttp/4.12.0',
      },
      Buffer.from(heartbeatBody(d.id, i)),
    ),
  );
  const serverBefore = await childCpu(child);
  const postgresBefore = postgresCpu();
  const clientBefore = process.cpuUsage();
  const load = await runLoad({
    port: ready.port,
    connections: CONNECTIONS,
    requestsPerConnection,
    request: (c, i) => requests[(c + i * CONNECTIONS) % requests.length]!,
    // A v2 refusal is an envelope at 200: count it as an error too.
    failed: (body) => body.subarray(0, 11).toString('latin1') === '{"ok":false',
  });
  const client = process.cpuUsage(clientBefore);
  const postgresAfter = postgresCpu();
  const n = load.latenciesMs.length;
  const cpu = {
    server: ((await childCpu(child)) - serverBefore) / n,
    postgres: postgresBefore === null || postgresAfter === null ? null : (postgresAfter - postgresBefore) / n,
    client: (client.user + client.system) / n,
  };
  const latencies = load.latenciesMs.sort((x, y) => x - y);
  const at = (q: number) => latencies[Math.min(n - 1, Math.floor(q * n))]!;
  return { cpu, requests: n, seconds: load.seconds, p50: at(0.5), p99: at(0.99), errors: load.errors };
}

async function measure(kind: 'bare' | 'openmdm'): Promise<Result> {
  const { child, ready } = await startServer(kind);
  try {
    await drive(ready, Math.max(20, Math.floor(REQUESTS / 10)), child);
    if (process.env.BENCH_CPU_PROF) child.send('profile');
    return await drive(ready, REQUESTS, child);
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  console.log(
    `heartbeat bench: ${CONNECTIONS} keep-alive connections × ${REQUESTS} requests, ${APPS}-app body, ${DEVICES} devices${KIOSK ? ', kiosk plugin' : ''}`,
  );
  const bare = await measure('bare');
  const ours = await measure('openmdm');
  const row = (name: string, r: Result) =>
    `${name.padEnd(28)} ${(r.requests / r.seconds).toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   errors ${r.errors}   ` +
    `CPU µs/request: server ${r.cpu.server.toFixed(0)}, postgres ${r.cpu.postgres?.toFixed(0) ?? 'n/a'}, load generator ${r.cpu.client.toFixed(0)}`;
  console.log(row('bare node:http (parse only)', bare));
  console.log(row(KIOSK ? 'openmdm (Postgres, kiosk)' : 'openmdm (Postgres)', ours));
  console.log(
    `ratio openmdm / bare: ${((ours.requests / ours.seconds / (bare.requests / bare.seconds)) * 100).toFixed(1)}%`,
  );
}
