#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { Fleet, type FleetOptions } from './fleet.js';
import { formatFinalSummary, formatSummaryLine } from './fleet-summary.js';

const USAGE = `Usage: pnpm simulate --server <url> [options]

  --server <url>        provisioned server URL, e.g. http://localhost:3000/mdm (required)
  --devices <n>         number of simulated devices (default 10)
  --secret <s>          device secret for HMAC enrollment (default change-me-in-production)
  --interval <seconds>  poll-loop interval override (default: each device follows pushConfig, 60 s)
  --hmac-only           skip the pinned-key challenge and enroll with HMAC
  --method <m>          manual (launcher, default) or qr (provisioning)
  --seed <n>            seed for identities, keys and telemetry (default 1)
  --concurrency <n>     most enrollments/heartbeats in flight (default 64)
  --retry-delay <ms>    retry interceptor base delay (default 1000: sleeps 1 s, 2 s)
  --stagger <ms>        spread device start-ups over this window
  --no-work-manager     do not add the WorkManager heartbeat (one at start, then every 15 min)
  --not-device-owner    devices are not device owner (install, shell, kiosk... fail as on such devices)
  --help`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function integer(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) fail(`--${name} must be a non-negative number`);
  return parsed;
}

const argv = process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--'));
const { values } = parseArgs({
  args: argv,
  options: {
    server: { type: 'string' },
    devices: { type: 'string' },
    secret: { type: 'string' },
    interval: { type: 'string' },
    'hmac-only': { type: 'boolean', default: false },
    method: { type: 'string' },
    seed: { type: 'string' },
    concurrency: { type: 'string' },
    'retry-delay': { type: 'string' },
    stagger: { type: 'string' },
    'no-work-manager': { type: 'boolean', default: false },
    'not-device-owner': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const server: string = values.server ?? fail('--server is required');
if (values.method !== undefined && values.method !== 'manual' && values.method !== 'qr')
  fail('--method is manual or qr');

const intervalSeconds = integer(values.interval, 'interval');
const fleet = createFleet();

function createFleet(): Fleet {
  try {
    return new Fleet(fleetOptions());
  } catch (error) {
    fail(`cannot simulate against ${server}: ${(error as Error).message}`);
  }
}

function fleetOptions(): FleetOptions {
  return {
    serverUrl: server,
    devices: integer(values.devices, 'devices', 10)!,
    deviceSecret: values.secret,
    heartbeatIntervalMs: intervalSeconds === undefined ? undefined : intervalSeconds * 1000,
    pinnedKey: !values['hmac-only'],
    method: values.method as 'manual' | 'qr' | undefined,
    seed: integer(values.seed, 'seed', 1),
    concurrency: Math.max(1, integer(values.concurrency, 'concurrency', 64)!),
    retryBaseDelayMs: integer(values['retry-delay'], 'retry-delay'),
    staggerMs: integer(values.stagger, 'stagger'),
    workManager: !values['no-work-manager'],
    deviceOwner: !values['not-device-owner'],
  };
}

const interactive = process.stdout.isTTY === true;
let lastSent = 0;
let lastTick = performance.now();
function printLive(): void {
  const stats = fleet.stats();
  const now = performance.now();
  const rate = ((stats.heartbeats.sent - lastSent) * 1000) / Math.max(1, now - lastTick);
  lastSent = stats.heartbeats.sent;
  lastTick = now;
  const line = formatSummaryLine(stats, rate);
  process.stdout.write(interactive ? `\r\x1b[K${line}` : `${line}\n`);
}

const ticker = setInterval(printLive, 1000);
let stopping = false;

async function shutdown(): Promise<void> {
  if (stopping) {
    process.stderr.write('\nforced exit\n');
    process.exit(130);
  }
  stopping = true;
  clearInterval(ticker);
  if (interactive) process.stdout.write('\n');
  process.stderr.write('stopping…\n');
  await fleet.stop();
  process.stdout.write(`${formatFinalSummary(fleet.stats())}\n`);
  process.exit(0);
}

process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

const enrollment = await fleet.enrollAll();
if (enrollment.failed > 0) {
  const first = enrollment.errors[0];
  process.stderr.write(
    `${interactive ? '\n' : ''}${enrollment.failed} enrollments failed; first: ${first instanceof Error ? first.message : String(first)}\n`,
  );
}
if (!stopping) await fleet.start();
