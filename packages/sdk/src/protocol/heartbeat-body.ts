import { type AgentHeartbeat, agentHeartbeatSchema } from '../domain/telemetry.js';
import { ValidationError } from '../errors.js';
import { assertStorableJson } from './input-guard.js';

/**
 * Validates the agent's heartbeat body against `agentHeartbeatSchema` (unknown keys dropped, a known key of
 * the wrong type refused). A hand-written check accepts the common case in a few microseconds; anything it
 * is not sure about goes to the zod schema, which decides and words the error. The fast path only ever
 * accepts what the schema accepts, and returns the same value.
 *
 * `BATTERY_PROPERTY_CAPACITY` is `Integer.MIN_VALUE` on hardware without a fuel gauge, so an impossible
 * battery level is read as "unknown", not as a bad request.
 */
export function parseHeartbeat(body: unknown): AgentHeartbeat {
  let input = body;
  if (
    isRecord(input) &&
    typeof input.batteryLevel === 'number' &&
    !(input.batteryLevel >= 0 && input.batteryLevel <= 100)
  ) {
    input = { ...input, batteryLevel: undefined };
  }
  const fast = fastHeartbeat(input);
  if (fast) return fast;
  const result = agentHeartbeatSchema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error, 'heartbeat');
  assertStorableJson(result.data, 'heartbeat');
  return result.data;
}

class Reject extends Error {}
const reject = new Reject();

function str(value: unknown, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max || value.includes('\u0000')) throw reject;
  return value;
}

function bool(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw reject;
  return value;
}

function int(value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw reject;
  return value;
}

function num(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw reject;
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const LONG = Number.MAX_SAFE_INTEGER;

/** The schema's fields in the schema's order, so the result is the value zod would return. */
function fastHeartbeat(body: unknown): AgentHeartbeat | null {
  if (!isRecord(body)) return null;
  try {
    const out: Record<string, unknown> = {};
    const set = (key: string, value: unknown) => {
      if (value !== undefined) out[key] = value;
    };
    set('deviceId', str(body.deviceId, 128));
    set('agentVersion', str(body.agentVersion, 64));
    set('timestamp', str(body.timestamp, 64));
    set('batteryLevel', int(body.batteryLevel, 0, 100));
    set('batteryHealth', str(body.batteryHealth, 32));
    set('isCharging', bool(body.isCharging));
    set('storageTotal', int(body.storageTotal, 0, LONG));
    set('storageUsed', int(body.storageUsed, 0, LONG));
    set('memoryTotal', int(body.memoryTotal, 0, LONG));
    set('memoryUsed', int(body.memoryUsed, 0, LONG));
    set('networkType', str(body.networkType, 32));
    set('networkName', str(body.networkName, 256));
    set('ipAddress', str(body.ipAddress, 64));
    set('signalStrength', int(body.signalStrength, -LONG, LONG));
    if (body.location !== undefined) {
      const l = body.location;
      if (!isRecord(l)) return null;
      const location: Record<string, number> = {
        latitude: num(l.latitude, -90, 90),
        longitude: num(l.longitude, -180, 180),
      };
      if (l.accuracy !== undefined) location.accuracy = num(l.accuracy, 0, Number.MAX_VALUE);
      out.location = location;
    }
    set('isEncrypted', bool(body.isEncrypted));
    set('isRooted', bool(body.isRooted));
    set('screenLockEnabled', bool(body.screenLockEnabled));
    if (body.installedApps !== undefined) {
      const apps = body.installedApps;
      if (!Array.isArray(apps) || apps.length > 5000) return null;
      const list = new Array(apps.length);
      for (let i = 0; i < apps.length; i++) {
        const a = apps[i];
        if (!isRecord(a)) return null;
        const packageName = str(a.packageName, 256);
        if (!packageName) return null;
        const version = str(a.version, 64);
        const versionCode = int(a.versionCode, 0, LONG);
        if (version === undefined || versionCode === undefined) return null;
        list[i] = { packageName, version, versionCode };
      }
      out.installedApps = list;
    }
    if (body.runningApps !== undefined) {
      const running = body.runningApps;
      if (!Array.isArray(running) || running.length > 1000) return null;
      const list = new Array(running.length);
      for (let i = 0; i < running.length; i++) {
        const name = str(running[i], 256);
        if (name === undefined) return null;
        list[i] = name;
      }
      out.runningApps = list;
    }
    const pv = body.policyVersion;
    if (pv !== undefined) {
      if (typeof pv === 'string') set('policyVersion', str(pv, 32));
      else set('policyVersion', int(pv, -LONG, LONG));
    }
    return out as AgentHeartbeat;
  } catch (error) {
    if (error instanceof Reject) return null;
    throw error;
  }
}
