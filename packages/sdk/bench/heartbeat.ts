/**
 * Heartbeat throughput: a bare `node:http` server that only parses the same JSON body, and the OpenMDM agent
 * handler on `node:http` against a fresh Postgres database, driven by the same load generator (32 keep-alive
 * connections, a fixed number of requests each). Each server runs in its own process; this one generates load.
 *
 *   pnpm --filter @openmdm/sdk bench:heartbeat [--devices 1000] [--requests 1500] [--connections 32]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAgentHandler, toNodeListener } from '../src/agent-http/index.js';
import { createMDM } from '../src/create-mdm.js';
import { hmacCanonicalMessage } from '../src/protocol/canonical.js';
import { hmacSignature } from '../src/protocol/signatures.js';
import { createTestDatabase, testSecrets } from '../src/testing/index.js';

const { values: args } = parseArgs({
  options: {
    serve: { type: 'string' },
    devices: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '1500' },
    connections: { type: 'string', default: '32' },
    apps: { type: 'string', default: '50' },
  },
});
const DEVICES = Number(args.devices);
const REQUESTS = Number(args.requests);
const CONNECTIONS = Number(args.connections);
const APPS = Number(args.apps);

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
  });
  await mdm.ready();
  await mdm.policies.create({ name: 'Fleet default', settings: { disallowCamera: true }, isDefault: true });
  process.on('message', (m) => {
    if (m === 'stop')
      void mdm
        .close()
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
  process.send?.(ready);
  process.on('message', (m) => {
    if (m === 'stop' && args.serve === 'bare') process.exit(0);
  });
} else {
  await main();
}

function startServer(kind: 'bare' | 'openmdm'): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--serve', kind, '--devices', String(DEVICES), '--apps', String(APPS)],
    {
      execArgv: [
        ...process.execArgv,
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

interface Result {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
}

async function drive(ready: Ready, requestsPerConnection: number): Promise<Result> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: CONNECTIONS });
  const bodies = ready.devices.map((d, i) => Buffer.from(heartbeatBody(d.id, i)));
  const latencies: number[] = [];
  let errors = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      for (let i = 0; i < requestsPerConnection; i++) {
        const d = (c + i * CONNECTIONS) % ready.devices.length;
        const t0 = process.hrtime.bigint();
        const status = await post(agent, ready.port, ready.devices[d]!.token, bodies[d]!);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (status !== 200) errors++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { requests: latencies.length, seconds, p50: at(0.5), p99: at(0.99), errors };
}

function post(agent: HttpAgent, port: number, token: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/mdm/agent/heartbeat',
        headers: {
          authorization: `Bearer ${token}`,
          'x-openmdm-protocol': '2',
          'content-type': 'application/json; charset=UTF-8',
          'content-length': body.length,
          'user-agent': 'okhttp/4.12.0',
        },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // A v2 refusal is an envelope at 200: count it as an error too.
          const ok =
            res.statusCode === 200 && !Buffer.concat(chunks).toString('utf8').startsWith('{"ok":false');
          resolve(ok ? 200 : (res.statusCode ?? 0) || 599);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(kind: 'bare' | 'openmdm'): Promise<Result> {
  const { child, ready } = await startServer(kind);
  try {
    await drive(ready, Math.max(20, Math.floor(REQUESTS / 10)));
    return await drive(ready, REQUESTS);
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  console.log(
    `heartbeat bench: ${CONNECTIONS} keep-alive connections × ${REQUESTS} requests, ${APPS}-app body, ${DEVICES} devices`,
  );
  const bare = await measure('bare');
  const ours = await measure('openmdm');
  const row = (name: string, r: Result) =>
    `${name.padEnd(28)} ${(r.requests / r.seconds).toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   errors ${r.errors}`;
  console.log(row('bare node:http (parse only)', bare));
  console.log(row('openmdm (Postgres)', ours));
  console.log(
    `ratio openmdm / bare: ${((ours.requests / ours.seconds / (bare.requests / bare.seconds)) * 100).toFixed(1)}%`,
  );
}
