import { z } from 'zod';
import { cursorSchema, idSchema, metadataSchema, pageLimitSchema, tagSchema } from './common.js';
import { installedAppSchema, telemetrySchema } from './telemetry.js';

export const deviceStatuses = ['pending', 'enrolled', 'blocked', 'unenrolling', 'unenrolled'] as const;
export const deviceStatusSchema = z.enum(deviceStatuses);
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/**
 * Allowed device status transitions. `pending` waits for admin approval; `unenrolling` is the interval
 * between an admin's unenroll and the device's last contact; an unenrolled device may enrol again.
 */
export const deviceTransitions: Record<DeviceStatus, readonly DeviceStatus[]> = {
  pending: ['enrolled', 'blocked', 'unenrolled'],
  enrolled: ['blocked', 'unenrolling', 'unenrolled'],
  blocked: ['enrolled', 'unenrolled'],
  unenrolling: ['unenrolled', 'blocked'],
  unenrolled: ['pending', 'enrolled'],
};

/** The statuses a device may be in for `to` to be reachable. */
export function statusesAllowing(to: DeviceStatus): DeviceStatus[] {
  return deviceStatuses.filter((from) => deviceTransitions[from].includes(to));
}

export const deviceIdentifiersSchema = z.object({
  androidId: z.string().max(128).nullable(),
  serialNumber: z.string().max(128).nullable(),
  imei: z.string().max(64).nullable(),
  macAddress: z.string().max(64).nullable(),
  enrollmentId: z.string().max(128).nullable(),
});
export type DeviceIdentifiers = z.infer<typeof deviceIdentifiersSchema>;

export const deviceSchema = deviceIdentifiersSchema.extend({
  id: idSchema,
  tenantId: z.string().nullable(),
  name: z.string().nullable(),
  model: z.string().nullable(),
  manufacturer: z.string().nullable(),
  osVersion: z.string().nullable(),
  sdkVersion: z.number().int().nullable(),
  agentVersion: z.string().nullable(),
  agentPackage: z.string().nullable(),
  status: deviceStatusSchema,
  policyId: z.string().nullable(),
  appliedPolicyId: z.string().nullable(),
  appliedPolicyVersion: z.number().int().nullable(),
  reportedPolicyVersion: z.string().nullable(),
  groupIds: z.array(z.string()),
  tags: z.array(z.string()),
  metadata: metadataSchema,
  telemetry: telemetrySchema.nullable(),
  installedApps: z.array(installedAppSchema),
  pushProvider: z.string().nullable(),
  hasPushToken: z.boolean(),
  hasPinnedKey: z.boolean(),
  lastSeenAt: z.date().nullable(),
  enrolledAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  deletedAt: z.date().nullable(),
});
export type Device = z.infer<typeof deviceSchema>;

export const deviceUpdateSchema = z.strictObject({
  name: z.string().min(1).max(200).nullable().optional(),
  tags: z.array(tagSchema).max(50).optional(),
  metadata: metadataSchema.optional(),
});
export type DeviceUpdate = z.infer<typeof deviceUpdateSchema>;

export const deviceSortFields = ['createdAt', 'lastSeenAt', 'name', 'model', 'osVersion', 'status'] as const;

/** Filters and paging for `devices.list`; the tRPC router and bulk operations reuse this schema. */
export const deviceFilterSchema = z.strictObject({
  status: z.array(deviceStatusSchema).max(5).optional(),
  policyId: idSchema.nullable().optional(),
  groupId: idSchema.optional(),
  /** Online means seen within `onlineWindowSeconds` (default 5 minutes). */
  online: z.boolean().optional(),
  onlineWindowSeconds: z.number().int().min(10).max(86_400).optional(),
  osVersion: z.array(z.string().min(1).max(32)).max(20).optional(),
  model: z.array(z.string().min(1).max(128)).max(20).optional(),
  tags: z.array(tagSchema).max(20).optional(),
  search: z.string().trim().min(1).max(128).optional(),
  includeDeleted: z.boolean().optional(),
});
export type DeviceFilter = z.infer<typeof deviceFilterSchema>;

export const deviceListQuerySchema = deviceFilterSchema.extend({
  sort: z
    .strictObject({
      field: z.enum(deviceSortFields).default('createdAt'),
      direction: z.enum(['asc', 'desc']).default('desc'),
    })
    .optional(),
  limit: pageLimitSchema,
  cursor: cursorSchema.optional(),
});
export type DeviceListQuery = z.input<typeof deviceListQuerySchema>;
