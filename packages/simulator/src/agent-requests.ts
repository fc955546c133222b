import type { EnrollmentMethod } from './canonical.js';
import { AGENT_PACKAGE, AGENT_VERSION } from './device-catalog.js';
import type { DeviceIdentity, InstalledApp } from './device-profile.js';
import { asDouble, asFloat, dto, toGsonJson } from './gson-json.js';
import type { TelemetrySnapshot } from './telemetry.js';

/**
 * The request DTOs of `MDMApi.kt`, encoded as the device writes them (alphabetical keys, nulls
 * omitted). `policyId` and `groupId` exist in the DTO but the agent never fills them.
 */

export interface EnrollmentBody {
  identity: DeviceIdentity;
  method: EnrollmentMethod;
  timestamp: string;
  signature: string;
  /** Pinned-key path only. */
  publicKey?: string;
  /** Pinned-key path only: the challenge, echoed. */
  attestationChallenge?: string;
}

export function enrollmentRequestJson(body: EnrollmentBody): string {
  const { identity } = body;
  return toGsonJson(
    dto({
      model: identity.model,
      manufacturer: identity.manufacturer,
      osVersion: identity.osVersion,
      sdkVersion: identity.sdkVersion,
      serialNumber: identity.serialNumber,
      imei: identity.imei,
      macAddress: identity.macAddress,
      androidId: identity.androidId,
      agentVersion: AGENT_VERSION,
      agentPackage: AGENT_PACKAGE,
      method: body.method,
      timestamp: body.timestamp,
      signature: body.signature,
      policyId: null,
      groupId: null,
      publicKey: body.publicKey,
      attestationChallenge: body.attestationChallenge,
    }),
  );
}

export interface HeartbeatBody {
  deviceId: string;
  timestamp: string;
  telemetry: TelemetrySnapshot;
  installedApps: readonly InstalledApp[];
  policyVersion: string | null;
}

/** `HeartbeatRequest`; `runningApps` and `signalStrength` are always null on a device, so never sent. */
export function heartbeatRequestJson(body: HeartbeatBody): string {
  const t = body.telemetry;
  return toGsonJson(
    dto({
      deviceId: body.deviceId,
      timestamp: body.timestamp,
      batteryLevel: t.batteryLevel,
      isCharging: t.isCharging,
      batteryHealth: t.batteryHealth,
      storageUsed: t.storageUsed,
      storageTotal: t.storageTotal,
      memoryUsed: t.memoryUsed,
      memoryTotal: t.memoryTotal,
      networkType: t.networkType,
      networkName: t.networkName,
      signalStrength: null,
      ipAddress: t.ipAddress,
      location: t.location
        ? dto({
            latitude: asDouble(t.location.latitude),
            longitude: asDouble(t.location.longitude),
            accuracy: asFloat(t.location.accuracy),
          })
        : null,
      installedApps: body.installedApps.map((app) =>
        dto({ packageName: app.packageName, version: app.version, versionCode: app.versionCode }),
      ),
      runningApps: null,
      isRooted: t.isRooted,
      isEncrypted: t.isEncrypted,
      screenLockEnabled: t.screenLockEnabled,
      agentVersion: AGENT_VERSION,
      policyVersion: body.policyVersion,
    }),
  );
}

/** `CommandResultRequest(success, message, data)`; `data` is a Kotlin map, so insertion order. */
export function commandResultJson(success: boolean, message: string | null, data?: unknown): string {
  return toGsonJson(dto({ success, message, data }));
}

/** `CommandErrorRequest(error)`. */
export function commandErrorJson(error: string): string {
  return toGsonJson(dto({ error }));
}

/** `RefreshTokenRequest(refreshToken)`. */
export function refreshTokenJson(refreshToken: string): string {
  return toGsonJson(dto({ refreshToken }));
}

/** `EventRequest(type, payload, timestamp)` for an install or uninstall result; payload in insertion order. */
export function packageEventJson(
  type: 'app_install' | 'app_uninstall',
  packageName: string,
  success: boolean,
  message: string,
  epochMs: number,
  timestamp: string,
): string {
  return toGsonJson(
    dto({
      type,
      payload: { packageName, success, message, timestamp: epochMs },
      timestamp,
    }),
  );
}
