import { CARRIERS, WIFI_NETWORKS } from './device-catalog.js';
import type { DeviceProfile, NetworkState, Position } from './device-profile.js';
import type { Prng } from './prng.js';

/** The values `DeviceInfoCollector.collectHeartbeatData()` would read at one instant. */
export interface TelemetrySnapshot {
  batteryLevel: number;
  isCharging: boolean;
  batteryHealth: 'good' | 'overheat' | 'dead' | 'cold' | 'unknown';
  storageUsed: number;
  storageTotal: number;
  memoryUsed: number;
  memoryTotal: number;
  networkType: NetworkState['type'];
  networkName: string | null;
  ipAddress: string | null;
  location: Position | null;
  isRooted: boolean;
  isEncrypted: boolean;
  screenLockEnabled: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * A device's telemetry drifting over time: battery discharging and charging, memory pressure
 * moving, storage filling, occasional network changes, a jittering location fix.
 * `timeScale` speeds the drift up for demos (10 = ten simulated minutes per real minute).
 */
export class DeviceTelemetry {
  private battery: number;
  private charging: boolean;
  private readonly health: TelemetrySnapshot['batteryHealth'];
  private readonly dischargePerHour: number;
  private readonly memoryBase: number;
  private storageUsed: number;
  private network: NetworkState;
  private location: Position | null;
  private lastMs: number;

  constructor(
    private readonly profile: DeviceProfile,
    private readonly rng: Prng,
    startMs: number,
    private readonly timeScale = 1,
  ) {
    this.battery = profile.batteryLevel;
    this.charging = profile.isCharging;
    this.health = rng.chance(0.01) ? 'unknown' : 'good';
    this.dischargePerHour = profile.formFactor === 'rugged' ? rng.float(8, 15) : rng.float(3, 9);
    this.memoryBase = rng.float(0.45, 0.75);
    this.storageUsed = profile.storageUsed;
    this.network = { ...profile.network };
    this.location = profile.location ? { ...profile.location } : null;
    this.lastMs = startMs;
  }

  /** Advances the state to `nowMs` and reads it. */
  sample(nowMs: number): TelemetrySnapshot {
    const hours = (Math.max(0, nowMs - this.lastMs) * this.timeScale) / HOUR_MS;
    this.lastMs = Math.max(this.lastMs, nowMs);
    this.advance(hours);
    const memoryFraction = clamp(this.memoryBase + this.rng.float(-0.05, 0.05), 0.2, 0.95);
    return {
      batteryLevel: Math.round(this.battery),
      isCharging: this.charging,
      batteryHealth: this.charging && this.rng.chance(0.002) ? 'overheat' : this.health,
      storageUsed: this.storageUsed,
      storageTotal: this.profile.storageTotal,
      memoryUsed: Math.floor((this.profile.memoryTotal * memoryFraction) / 4096) * 4096,
      memoryTotal: this.profile.memoryTotal,
      networkType: this.network.type,
      networkName: this.network.name,
      ipAddress: this.network.ipAddress,
      location: this.location ? { ...this.location } : null,
      isRooted: this.profile.isRooted,
      isEncrypted: this.profile.isEncrypted,
      screenLockEnabled: this.profile.screenLockEnabled,
    };
  }

  private advance(hours: number): void {
    if (hours <= 0) return;
    if (this.charging) {
      this.battery = Math.min(100, this.battery + hours * this.rng.float(30, 50));
      if (this.battery > 80 && this.rng.chance(Math.min(1, hours * 0.3))) this.charging = false;
    } else {
      this.battery = Math.max(1, this.battery - hours * this.dischargePerHour * this.rng.float(0.7, 1.3));
      if (this.battery < 20 && this.rng.chance(Math.min(1, hours * 2))) this.charging = true;
    }

    const growth = hours * this.rng.float(0, 8) * 2 ** 20;
    const cleared = this.rng.chance(Math.min(1, hours * 0.02)) ? this.storageUsed * 0.02 : 0;
    this.storageUsed =
      Math.floor(clamp(this.storageUsed + growth - cleared, 0, this.profile.storageTotal) / 4096) * 4096;

    if (this.profile.hasTelephony && this.rng.chance(Math.min(1, hours * 0.05))) {
      this.network =
        this.network.type === 'wifi'
          ? {
              type: 'cellular',
              name: this.rng.pick(CARRIERS),
              ipAddress: `10.${this.rng.int(0, 255)}.${this.rng.int(0, 255)}.${this.rng.int(1, 254)}`,
            }
          : {
              type: 'wifi',
              name: this.rng.pick(WIFI_NETWORKS),
              ipAddress: `192.168.${this.rng.int(0, 20)}.${this.rng.int(2, 254)}`,
            };
    }

    if (this.location) {
      this.location = {
        latitude: round7(this.location.latitude + this.rng.float(-0.0002, 0.0002)),
        longitude: round7(this.location.longitude + this.rng.float(-0.0002, 0.0002)),
        accuracy: Math.fround(Math.round(this.rng.float(3, 30) * 10) / 10),
        altitude: this.location.altitude,
      };
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
