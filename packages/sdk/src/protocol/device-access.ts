import { devices } from '../db/schema/index.js';
import { DeviceAccessDeniedError, DeviceAuthError } from './errors.js';

/** Device statuses that may talk to the server; `pending` devices heartbeat while they await approval. */
export const activeDeviceStatuses = ['pending', 'enrolled', 'unenrolling'] as const;

/** Device statuses that receive commands and policy (an unapproved device is not managed yet). */
export const managedDeviceStatuses = ['enrolled', 'unenrolling'] as const;

/** The columns `deviceAccessError` reads: select these wherever a device's access is checked. */
export const deviceAccessColumns = {
  status: devices.status,
  deletedAt: devices.deletedAt,
  generation: devices.tokenGeneration,
};

/**
 * Why a device may not talk to the server, or null when it may. One rule for every request. Given the
 * generation of the access token the request came with, a token from before a revocation is refused too.
 */
export function deviceAccessError(
  deviceId: string,
  row: { status: string; deletedAt: Date | null; generation?: number } | undefined,
  tokenGeneration?: number,
): DeviceAccessDeniedError | DeviceAuthError | null {
  if (!row || row.deletedAt !== null) return new DeviceAccessDeniedError(deviceId, 'DEVICE_NOT_FOUND');
  if (row.status === 'blocked') return new DeviceAccessDeniedError(deviceId, 'DEVICE_BLOCKED');
  if (row.status === 'unenrolled') return new DeviceAccessDeniedError(deviceId, 'DEVICE_UNENROLLED');
  if (tokenGeneration !== undefined && row.generation !== undefined && tokenGeneration !== row.generation)
    return new DeviceAuthError('DEVICE_TOKEN_REVOKED', 'Device token was revoked');
  return null;
}
