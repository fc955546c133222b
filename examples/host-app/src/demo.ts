import { parseArgs } from 'node:util';
import { Fleet, formatFinalSummary } from '@openmdm/simulator';
import { formatFleetStatus, readFleetStatus } from './fleet-status.js';
import { startDemoOperator } from './operator.js';
import { startHostServer } from './start-server.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '200' },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    interval: { type: 'string', default: '15' },
    'database-url': { type: 'string' },
  },
});
const devices = Number(values.devices);
const deviceSecret = 'change-me-in-production';
const log = (line: string) => process.stdout.write(`${line}\n`);

log('OpenMDM demo: a host app with the agent routes, on the embedded database, and a simulated fleet');
const server = await startHostServer({
  port: Number(values.port),
  deviceSecret,
  // every simulated device enrols from 127.0.0.1: lift the per-IP enrolment limit for the demo
  enrollRateLimit: { max: 100_000, windowSeconds: 60 },
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
  onProgress: (step) => log(`  … ${step}`),
});
log(
  `  ✓ listening on ${server.url} (agents: ${server.agentUrl}/agent/*; admin tRPC: ${server.url}/trpc with Authorization: Bearer demo-admin)`,
);

await server.mdm.policies.create({
  name: 'Field devices',
  isDefault: true,
  settings: { heartbeatInterval: Number(values.interval), disallowDebugging: true, screenLockRequired: true },
});

const fleet = new Fleet({
  serverUrl: server.agentUrl,
  devices,
  deviceSecret,
  heartbeatIntervalMs: Number(values.interval) * 1000,
  concurrency: 32,
  installDelayMs: 1500,
});
log(`  … enrolling ${devices} simulated devices (pinned key, HMAC fallback)`);
const enrollProgress = setInterval(() => log(`    ${fleet.stats().enrolled}/${devices} enrolled`), 1000);
const enrolled = await fleet.enrollAll();
clearInterval(enrollProgress);
log(`  ✓ ${enrolled.enrolled} enrolled, ${enrolled.failed} failed`);
await fleet.start();
const stopOperator = startDemoOperator(server.mdm, server.apk);
log('  ✓ fleet heartbeating; an operator sends a command every 2 s. Ctrl-C to stop.\n');

let lastHeartbeats = 0;
let lastAt = Date.now();
const tty = process.stdout.isTTY;
const ticker = setInterval(() => {
  void readFleetStatus(server.mdm).then((status) => {
    const now = Date.now();
    const sent = fleet.stats().heartbeats.ok;
    const rate = ((sent - lastHeartbeats) * 1000) / Math.max(1, now - lastAt);
    lastHeartbeats = sent;
    lastAt = now;
    const line = formatFleetStatus(status, rate);
    if (tty) process.stdout.write(`\r\x1b[2K${line}`);
    else log(line);
  });
}, 1000);

process.once('SIGINT', () => {
  clearInterval(ticker);
  stopOperator();
  void (async () => {
    log('\n\nstopping…');
    await fleet.stop();
    log(formatFinalSummary(fleet.stats()));
    await server.close();
    process.exit(0);
  })();
});
