import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { InstalledApp, Telemetry } from '../../domain/telemetry.js';
import { createdAt, timestampTz, updatedAt } from './columns.js';

/**
 * The full-text search document of a device. An expression index rather than a stored generated column:
 * a generated column is recomputed on every update (every heartbeat), the index only when a row's indexed
 * columns change. Queries must use this same expression to reach the index.
 */
export function deviceSearchVector(t: {
  id: AnyPgColumn;
  name: AnyPgColumn;
  model: AnyPgColumn;
  manufacturer: AnyPgColumn;
  androidId: AnyPgColumn;
  serialNumber: AnyPgColumn;
  imei: AnyPgColumn;
  macAddress: AnyPgColumn;
  enrollmentId: AnyPgColumn;
}): SQL {
  return sql`to_tsvector('simple', coalesce(${t.name}, '') || ' ' || coalesce(${t.model}, '') || ' ' || coalesce(${t.manufacturer}, '') || ' ' || coalesce(${t.androidId}, '') || ' ' || coalesce(${t.serialNumber}, '') || ' ' || coalesce(${t.imei}, '') || ' ' || coalesce(${t.macAddress}, '') || ' ' || coalesce(${t.enrollmentId}, '') || ' ' || ${t.id})`;
}

export const devices = pgTable(
  'mdm_devices',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    enrollmentId: text('enrollment_id'),
    androidId: text('android_id'),
    serialNumber: text('serial_number'),
    imei: text('imei'),
    macAddress: text('mac_address'),
    name: text('name'),
    model: text('model'),
    manufacturer: text('manufacturer'),
    osVersion: text('os_version'),
    sdkVersion: integer('sdk_version'),
    agentVersion: text('agent_version'),
    agentPackage: text('agent_package'),
    status: text('status').notNull(),
    blockedReason: text('blocked_reason'),
    /** The policy assigned to this device directly (wins over groups and the default). */
    policyId: text('policy_id'),
    /** The policy and version the device last reported as applied. */
    appliedPolicyId: text('applied_policy_id'),
    appliedPolicyVersion: integer('applied_policy_version'),
    reportedPolicyVersion: text('reported_policy_version'),
    telemetry: jsonb('telemetry').$type<Telemetry>(),
    installedApps: jsonb('installed_apps').$type<InstalledApp[]>().notNull().default([]),
    appsHash: text('apps_hash'),
    pushProvider: text('push_provider'),
    pushToken: text('push_token'),
    /** SubjectPublicKeyInfo (base64) pinned at the first pinned-key enrolment. */
    publicKey: text('public_key'),
    /**
     * Access tokens carry the generation they were issued in; revoking the device's tokens (re-enrolment,
     * unenrolment, deletion, refresh-token reuse) moves it on, which refuses every earlier access token.
     */
    tokenGeneration: integer('token_generation').notNull().default(0),
    tags: text('tags').array().notNull().default([]),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    lastSeenAt: timestampTz('last_seen_at'),
    enrolledAt: timestampTz('enrolled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestampTz('deleted_at'),
  },
  (t) => [
    index('mdm_devices_status_idx').on(t.status, t.id),
    index('mdm_devices_last_seen_idx').on(t.lastSeenAt, t.id),
    index('mdm_devices_created_idx').on(t.createdAt, t.id),
    index('mdm_devices_policy_idx').on(t.policyId),
    index('mdm_devices_tenant_idx').on(t.tenantId, t.createdAt),
    index('mdm_devices_android_id_idx').on(t.androidId),
    index('mdm_devices_serial_idx').on(t.serialNumber),
    index('mdm_devices_mac_idx').on(t.macAddress),
    index('mdm_devices_imei_idx').on(t.imei),
    uniqueIndex('mdm_devices_public_key_idx').on(t.publicKey),
    index('mdm_devices_tags_idx').using('gin', t.tags),
    index('mdm_devices_search_idx').using('gin', deviceSearchVector(t)),
  ],
);

export const deviceGroups = pgTable(
  'mdm_device_groups',
  {
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    groupId: text('group_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.groupId] }),
    index('mdm_device_groups_group_idx').on(t.groupId),
  ],
);
