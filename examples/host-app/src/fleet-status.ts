import type { MDMInstance } from '@openmdm/sdk';
import { schema } from '@openmdm/sdk/drizzle';
import { count, isNull } from 'drizzle-orm';

export interface FleetStatus {
  devices: Record<string, number>;
  commands: Record<string, number>;
}

/** Counts by status, straight from the database rows (the source of truth). */
export async function readFleetStatus(mdm: MDMInstance): Promise<FleetStatus> {
  const db = mdm.database.db;
  const [devices, commands] = await Promise.all([
    db
      .select({ status: schema.devices.status, n: count() })
      .from(schema.devices)
      .where(isNull(schema.devices.deletedAt))
      .groupBy(schema.devices.status),
    db
      .select({ status: schema.commands.status, n: count() })
      .from(schema.commands)
      .groupBy(schema.commands.status),
  ]);
  return {
    devices: Object.fromEntries(devices.map((r) => [r.status, r.n])),
    commands: Object.fromEntries(commands.map((r) => [r.status, r.n])),
  };
}

const commandOrder = ['pending', 'sent', 'acknowledged', 'completed', 'failed', 'expired', 'cancelled'];

export function formatFleetStatus(status: FleetStatus, heartbeatsPerSecond: number): string {
  const enrolled = status.devices.enrolled ?? 0;
  const cmds = commandOrder.map((s) => `${s} ${status.commands[s] ?? 0}`).join(', ');
  return `devices enrolled ${enrolled} | heartbeats ${heartbeatsPerSecond.toFixed(1)}/s | commands: ${cmds}`;
}
