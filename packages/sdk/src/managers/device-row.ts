import { getTableColumns } from 'drizzle-orm';
import { devices } from '../db/schema/index.js';
import type { Device, DeviceStatus } from '../domain/device.js';

export type DeviceRow = typeof devices.$inferSelect;

export const deviceColumns = getTableColumns(devices);

export function deviceFromRow(row: DeviceRow, groupIds: string[]): Device {
  return {
    id: row.id,
    tenantId: row.tenantId,
    enrollmentId: row.enrollmentId,
    androidId: row.androidId,
    serialNumber: row.serialNumber,
    imei: row.imei,
    macAddress: row.macAddress,
    name: row.name,
    model: row.model,
    manufacturer: row.manufacturer,
    osVersion: row.osVersion,
    sdkVersion: row.sdkVersion,
    agentVersion: row.agentVersion,
    agentPackage: row.agentPackage,
    status: row.status as DeviceStatus,
    policyId: row.policyId,
    appliedPolicyId: row.appliedPolicyId,
    appliedPolicyVersion: row.appliedPolicyVersion,
    reportedPolicyVersion: row.reportedPolicyVersion,
    groupIds,
    tags: row.tags,
    metadata: row.metadata,
    telemetry: row.telemetry ?? null,
    installedApps: row.installedApps,
    pushProvider: row.pushProvider,
    hasPushToken: row.pushToken !== null,
    hasPinnedKey: row.publicKey !== null,
    lastSeenAt: row.lastSeenAt,
    enrolledAt: row.enrolledAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}
