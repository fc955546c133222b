import { z } from 'zod';

/** One entry of the agent's installed-app inventory (spec §4.1: `version` is `versionName ?: "unknown"`). */
export const installedAppSchema = z.object({
  packageName: z.string().min(1).max(256),
  version: z.string().max(64),
  versionCode: z.number().int().min(0),
});
export type InstalledApp = z.infer<typeof installedAppSchema>;

const nonNegativeLong = z.number().int().min(0);

/**
 * The heartbeat body exactly as the openmdm-android agent sends it (spec §4.1). Unknown keys are tolerated
 * (newer agents may add some) and dropped; known keys with a wrong type are rejected.
 */
export const agentHeartbeatSchema = z.object({
  deviceId: z.string().max(128).optional(),
  agentVersion: z.string().max(64).optional(),
  timestamp: z.string().max(64).optional(),
  batteryLevel: z.number().int().min(0).max(100).optional(),
  batteryHealth: z.string().max(32).optional(),
  isCharging: z.boolean().optional(),
  storageTotal: nonNegativeLong.optional(),
  storageUsed: nonNegativeLong.optional(),
  memoryTotal: nonNegativeLong.optional(),
  memoryUsed: nonNegativeLong.optional(),
  networkType: z.string().max(32).optional(),
  networkName: z.string().max(256).optional(),
  ipAddress: z.string().max(64).optional(),
  signalStrength: z.number().int().optional(),
  location: z
    .object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      accuracy: z.number().min(0).optional(),
    })
    .optional(),
  isEncrypted: z.boolean().optional(),
  isRooted: z.boolean().optional(),
  screenLockEnabled: z.boolean().optional(),
  installedApps: z.array(installedAppSchema).max(5000).optional(),
  runningApps: z.array(z.string().max(256)).max(1000).optional(),
  /** The agent stores the version as a string: "3", "1" or "default". */
  policyVersion: z.union([z.string().max(32), z.number().int()]).optional(),
});
export type AgentHeartbeat = z.infer<typeof agentHeartbeatSchema>;

/** The latest telemetry kept on a device, normalised from its last heartbeat. */
export const telemetrySchema = z.object({
  battery: z.object({
    level: z.number().nullable(),
    health: z.string().nullable(),
    charging: z.boolean().nullable(),
  }),
  storage: z.object({ total: z.number().nullable(), used: z.number().nullable() }),
  memory: z.object({ total: z.number().nullable(), used: z.number().nullable() }),
  network: z.object({
    type: z.string().nullable(),
    name: z.string().nullable(),
    ipAddress: z.string().nullable(),
  }),
  location: z
    .object({ latitude: z.number(), longitude: z.number(), accuracy: z.number().nullable() })
    .nullable(),
  security: z.object({
    encrypted: z.boolean().nullable(),
    rooted: z.boolean().nullable(),
    screenLock: z.boolean().nullable(),
  }),
  runningApps: z.array(z.string()).nullable(),
  reportedAt: z.string().nullable(),
});
export type Telemetry = z.infer<typeof telemetrySchema>;

export function telemetryFromHeartbeat(body: AgentHeartbeat): Telemetry {
  return {
    battery: {
      level: body.batteryLevel ?? null,
      health: body.batteryHealth ?? null,
      charging: body.isCharging ?? null,
    },
    storage: { total: body.storageTotal ?? null, used: body.storageUsed ?? null },
    memory: { total: body.memoryTotal ?? null, used: body.memoryUsed ?? null },
    network: {
      type: body.networkType ?? null,
      name: body.networkName ?? null,
      ipAddress: body.ipAddress ?? null,
    },
    location: body.location
      ? {
          latitude: body.location.latitude,
          longitude: body.location.longitude,
          accuracy: body.location.accuracy ?? null,
        }
      : null,
    security: {
      encrypted: body.isEncrypted ?? null,
      rooted: body.isRooted ?? null,
      screenLock: body.screenLockEnabled ?? null,
    },
    runningApps: body.runningApps ?? null,
    reportedAt: body.timestamp ?? null,
  };
}
