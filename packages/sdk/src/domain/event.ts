import type { CommandStatus } from './command.js';
import type { CommandType } from './command-payloads.js';

/**
 * Every event the SDK appends to `mdm_events`, by name, with its payload. Payloads are small on purpose:
 * ids and what changed, never a full snapshot. Plugins add their own names by augmenting this interface:
 * `declare module '@openmdm/sdk' { interface MDMEventMap { 'kiosk.exited': { deviceId: string } } }`.
 */
export interface MDMEventMap {
  'device.enrolled': { deviceId: string; reenrolled: boolean; method: string; status: string };
  'device.heartbeat': { deviceId: string; batteryLevel: number | null; appsChanged: boolean };
  'device.updated': { deviceId: string; changes: string[] };
  'device.approved': { deviceId: string };
  'device.blocked': { deviceId: string; reason: string | null };
  'device.unblocked': { deviceId: string };
  'device.unenrolled': { deviceId: string };
  'device.deleted': { deviceId: string };
  'device.policyAssigned': { deviceId: string; policyId: string | null };
  'device.groupsChanged': { deviceId: string; groupIds: string[] };
  'device.keyUnpinned': { deviceId: string };
  'device.pushTokenRegistered': { deviceId: string; provider: string };
  'device.pushTokenRemoved': { deviceId: string; provider: string | null; reason: string };
  'device.event': { deviceId: string; type: string; payload: unknown };
  'policy.created': { policyId: string; version: number; name: string };
  'policy.updated': { policyId: string; version: number; previousVersion: number; settingsChanged: boolean };
  'policy.rolledBack': { policyId: string; version: number; fromVersion: number };
  'policy.deleted': { policyId: string };
  'policy.defaultChanged': { policyId: string | null };
  'policy.applied': { deviceId: string; policyId: string | null; version: number | null; reported: string };
  'command.created': { commandId: string; deviceId: string; type: CommandType };
  'command.sent': {
    commandId: string;
    deviceId: string;
    type: CommandType;
    via: 'push' | 'heartbeat' | 'poll';
  };
  'command.acknowledged': { commandId: string; deviceId: string; type: CommandType };
  'command.completed': {
    commandId: string;
    deviceId: string;
    type: CommandType;
    success: boolean;
    message: string | null;
  };
  'command.failed': { commandId: string; deviceId: string; type: CommandType; error: string };
  'command.expired': { commandId: string; deviceId: string; type: CommandType; from: CommandStatus };
  'command.cancelled': { commandId: string; deviceId: string; type: CommandType; reason: string | null };
  'group.created': { groupId: string; name: string };
  'group.updated': { groupId: string; changes: string[] };
  'group.deleted': { groupId: string };
  'group.memberAdded': { groupId: string; deviceId: string };
  'group.memberRemoved': { groupId: string; deviceId: string };
  'app.registered': { appId: string; packageName: string };
  'app.versionAdded': { appId: string; packageName: string; version: string; versionCode: number };
  'app.deleted': { appId: string; packageName: string };
}

export type MDMEventName = keyof MDMEventMap;

export interface MDMEvent<K extends MDMEventName = MDMEventName> {
  /** Monotonic id from `mdm_events` (a bigint, as a decimal string). */
  id: string;
  type: K;
  tenantId: string | null;
  deviceId: string | null;
  commandId: string | null;
  payload: MDMEventMap[K];
  createdAt: Date;
}

/** An event before it is stored. */
export interface NewEvent<K extends MDMEventName = MDMEventName> {
  type: K;
  payload: MDMEventMap[K];
  tenantId?: string | null;
  deviceId?: string | null;
  commandId?: string | null;
}

export type AnyMDMEvent = { [K in MDMEventName]: MDMEvent<K> }[MDMEventName];
