import { createHash } from 'node:crypto';
import { AGENT_VERSION, AGENT_VERSION_CODE } from './device-catalog.js';
import type { DeviceProfile, Position } from './device-profile.js';
import { runFakeShell } from './fake-shell.js';
import { asDouble, asFloat } from './gson-json.js';

/** `MDMService.CommandResult`: what `/complete` reports (`data` omitted when undefined). */
export interface CommandResult {
  success: boolean;
  message: string | null;
  data?: unknown;
}

export interface ExecutableCommand {
  id: string;
  /** As the server sent it. */
  type: string;
  /** After `normalizeCommandType`. */
  normalizedType: string;
  payload: Record<string, unknown> | null;
}

/** The device capabilities a command can touch. */
export interface CommandEnvironment {
  readonly profile: DeviceProfile;
  readonly deviceOwner: boolean;
  readonly deviceAdmin: boolean;
  now(): number;
  currentLocation(): Position | null;
  /** A plain GET; rejects with Java's exception message. */
  download(url: string, requireOk: boolean): Promise<Buffer>;
  /** A full in-service heartbeat (the `sync` command). */
  sync(): Promise<void>;
  /** Hands a verified APK to the PackageInstaller; its result arrives later. */
  beginInstall(install: {
    commandId: string;
    packageName: string;
    version: string | null;
    versionCode: number | null;
  }): void;
  /** Starts a silent uninstall; its result arrives later as an event. */
  beginUninstall(packageName: string): void;
}

/**
 * `MDMService.executeCommand`: runs one command against the simulated device and returns the
 * result with the agent's exact strings. Device-owner-only operations fail the way the agent
 * reports them when the device is not device owner. Throws only where the agent would throw
 * (a failed nested heartbeat in `sync`), which the caller reports through `/fail`.
 */
export async function executeCommand(
  command: ExecutableCommand,
  env: CommandEnvironment,
): Promise<CommandResult> {
  const p = command.payload;
  const pkg = str(p, 'packageName');
  switch (command.normalizedType) {
    case 'sync':
      await env.sync();
      return ok('Sync completed');
    case 'reboot':
      if (!env.deviceOwner) return failed('Device owner not enabled');
      return ok('Device rebooting');
    case 'shutdown':
      return failed('Shutdown not supported, use reboot instead');
    case 'lock':
      return env.deviceAdmin ? ok('Device locked') : failed('Device admin not enabled');
    case 'unlock':
      return failed('Remote unlock not supported for security reasons');
    case 'wipe':
      return env.deviceAdmin ? ok('Device wipe initiated') : failed('Device admin not enabled');
    case 'factoryReset':
      return env.deviceAdmin ? ok('Factory reset initiated') : failed('Device admin not enabled');
    case 'installApp':
    case 'updateApp':
      return installPackage(command, env);
    case 'uninstallApp':
      if (pkg === null) return failed('Package name required');
      if (!env.deviceOwner) return failed('Silent uninstall requires Device Owner');
      env.beginUninstall(pkg);
      return ok(`App uninstall initiated for ${pkg}`);
    case 'updateAgent':
      return updateAgent(p, env);
    case 'runApp':
      if (pkg === null) return failed('Package name required');
      return isInstalled(env, pkg)
        ? ok(`App ${pkg} launched`)
        : failed(`Could not find launch intent for ${pkg}`);
    case 'clearAppData':
      if (pkg === null || !env.deviceOwner)
        return failed('Clear app data requires Device Owner and package name');
      return isInstalled(env, pkg) ? ok(`App data cleared for ${pkg}`) : failed('Failed to clear app data');
    case 'clearAppCache':
      return pkg === null ? failed('Package name required') : ok(`App cache cleared for ${pkg}`);
    case 'grantPermissions': {
      const permissions = Array.isArray(p?.permissions)
        ? p.permissions.filter((permission): permission is string => typeof permission === 'string')
        : [];
      if (pkg !== null && permissions.length > 0) {
        return ok(
          'Permissions granted',
          Object.fromEntries(permissions.map((permission) => [permission, env.deviceOwner])),
        );
      }
      return pkg === null ? failed('Package name required') : ok(`Common permissions granted to ${pkg}`);
    }
    case 'whitelistBattery':
      return pkg === null ? failed('Package name required') : ok(`${pkg} added to battery whitelist`);
    case 'enterKiosk': {
      const app = pkg ?? str(p, 'mainApp');
      if (app === null) return failed('Package name required for kiosk mode');
      if (!env.deviceOwner) return failed('Lock task requires Device Owner');
      return isInstalled(env, app)
        ? ok(`Kiosk mode enabled for ${app}`)
        : failed(`Could not find launch intent for ${app}`);
    }
    case 'exitKiosk':
      return ok('Kiosk mode disabled');
    case 'shell':
      return shell(p, env);
    case 'setVolume': {
      const level = int(p, 'level');
      return level === null ? failed('Volume level required') : ok(`Volume set to ${level}`);
    }
    case 'getLocation': {
      const location = env.currentLocation();
      if (location === null) return failed('Location not available');
      return ok('Location retrieved', {
        latitude: asDouble(location.latitude),
        longitude: asDouble(location.longitude),
        accuracy: asFloat(location.accuracy),
        altitude: asDouble(location.altitude),
        timestamp: env.now(),
      });
    }
    case 'screenshot':
      return failed('Screenshot not implemented - requires MediaProjection API');
    case 'setTimeZone': {
      const timezone = str(p, 'timezone');
      if (timezone === null || !env.deviceOwner) return failed('Timezone setting requires Device Owner');
      return isTimeZone(timezone)
        ? ok(`Timezone set to ${timezone}`)
        : failed(`Timezone: ${timezone} is not an Olson ID`);
    }
    case 'enableAdb': {
      const enabled = bool(p, 'enabled') ?? true;
      if (!env.deviceOwner) return failed('ADB control requires Device Owner');
      return ok(`ADB ${enabled ? 'enabled' : 'disabled'}`);
    }
    case 'setWifi':
      return toggle(p, env, 'WiFi', 'WiFi control failed');
    case 'setBluetooth':
      return toggle(p, env, 'Bluetooth', 'Bluetooth control failed');
    case 'setGps':
    case 'setLocation':
      return toggle(p, env, 'GPS', 'GPS control failed');
    case 'setUsb':
      return toggle(p, env, 'USB', 'USB control failed');
    case 'setScreenshot': {
      const disabled = bool(p, 'disabled') ?? true;
      if (!env.deviceOwner) return failed('Screenshot control failed');
      return ok(`Screenshot ${disabled ? 'disabled' : 'enabled'}`);
    }
    case 'setBrightness':
      return ok(`Brightness set to ${int(p, 'level') ?? 128}`);
    case 'setScreenTimeout':
      return ok(`Screen timeout set to ${int(p, 'timeoutSeconds') ?? 60} seconds`);
    case 'setRestriction': {
      const restriction = str(p, 'restriction');
      const enabled = bool(p, 'enabled') ?? true;
      if (restriction === null) return failed('Restriction name required');
      if (!env.deviceOwner) return failed('Restriction control failed');
      return ok(`Restriction ${restriction} ${enabled ? 'enabled' : 'disabled'}`);
    }
    case 'configureWifi':
    case 'setWifiNetwork': {
      const ssid = str(p, 'ssid');
      if (ssid === null) return failed('SSID required');
      return env.deviceOwner ? ok(`WiFi network ${ssid} configured`) : failed('WiFi configuration failed');
    }
    case 'deployFile':
      return deployFile(p, env);
    case 'deleteFile': {
      const path = str(p, 'path');
      return path === null ? failed('Path required') : ok(`File deleted: ${path}`);
    }
    case 'setPolicy':
      return p === null ? failed('Policy data required') : ok('Policy applied');
    case 'sendNotification':
      return ok('Notification shown');
    case 'custom':
      return failed(`Custom command '${str(p, 'customType')}' not implemented`);
    case 'enablePermissiveMode':
      return failed('Permissive mode not supported in production');
    case 'rollbackApp':
      return failed('App rollback not implemented');
    default:
      return failed(`Unknown command type: ${command.normalizedType} (original: ${command.type})`);
  }
}

async function installPackage(command: ExecutableCommand, env: CommandEnvironment): Promise<CommandResult> {
  const p = command.payload;
  const isUpdate = command.normalizedType === 'updateApp';
  const packageName = str(p, 'packageName');
  const url = str(p, 'url');
  if (packageName === null || url === null) {
    return failed(
      isUpdate ? 'Invalid update parameters' : 'Invalid install parameters: packageName and url required',
    );
  }
  if (!env.deviceOwner) return failed('Silent install requires Device Owner');
  const expectedSha256 = str(p, 'expectedSha256') ?? str(p, 'sha256');
  try {
    const apk = await env.download(url, false);
    verifySha256(apk, expectedSha256, packageName);
  } catch (error) {
    return failed(errorMessage(error) ?? (isUpdate ? 'Update failed' : 'Installation failed'));
  }
  env.beginInstall({
    commandId: command.id,
    packageName,
    version: str(p, 'version'),
    versionCode: int(p, 'versionCode'),
  });
  return ok(
    isUpdate ? `App update pending for ${packageName}` : `App installation pending for ${packageName}`,
  );
}

async function updateAgent(p: Payload, env: CommandEnvironment): Promise<CommandResult> {
  const url = str(p, 'url');
  const sha256 = str(p, 'sha256');
  const version = str(p, 'version');
  const versionCode = int(p, 'versionCode');
  const minPreviousVersion = str(p, 'minPreviousVersion');
  if (url === null || sha256 === null || version === null || versionCode === null) {
    return failed('Invalid agent update parameters. Required: url, sha256, version, versionCode');
  }
  if (!env.deviceOwner)
    return failed('Silent install requires Device Owner', { error: 'DEVICE_OWNER_REQUIRED' });
  const versions = { fromVersion: AGENT_VERSION, toVersion: version };
  if (versionCode <= AGENT_VERSION_CODE) {
    return failed(`Refusing to install ${version} over ${AGENT_VERSION}`, {
      error: 'DOWNGRADE_BLOCKED',
      ...versions,
    });
  }
  if (minPreviousVersion !== null && compareVersions(AGENT_VERSION, minPreviousVersion) < 0) {
    return failed(`Installed ${AGENT_VERSION} is below the required minimum ${minPreviousVersion}`, {
      error: 'MIN_VERSION_NOT_MET',
      ...versions,
    });
  }
  let apk: Buffer;
  try {
    apk = await env.download(url, false);
  } catch (error) {
    return failed(errorMessage(error) ?? 'Agent update failed', { error: 'EXCEPTION', ...versions });
  }
  if (sha256hex(apk) !== sha256.toLowerCase()) {
    // Guessed wording: the agent's own message was not available.
    return failed('APK hash verification failed', { error: 'HASH_MISMATCH', ...versions });
  }
  return ok(`Agent update initiated: ${AGENT_VERSION} -> ${version}`, versions);
}

function shell(p: Payload, env: CommandEnvironment): CommandResult {
  const commandLine = str(p, 'command');
  if (commandLine === null || !env.deviceOwner)
    return failed('Shell command requires Device Owner permission');
  try {
    const output = runFakeShell(commandLine, env.profile, env.now());
    return { success: output.exitCode === 0, message: output.stdout, data: { exitCode: output.exitCode } };
  } catch (error) {
    return failed(errorMessage(error) ?? 'Shell command failed');
  }
}

async function deployFile(p: Payload, env: CommandEnvironment): Promise<CommandResult> {
  const url = str(p, 'url');
  const path = str(p, 'path');
  if (url === null || path === null) return failed('URL and path required');
  try {
    const file = await env.download(url, true);
    const hash = str(p, 'hash');
    // Guessed wording: FileDeploymentManager's own message was not available.
    if (hash !== null && sha256hex(file) !== hash.toLowerCase()) throw new Error(`Hash mismatch for ${path}`);
  } catch (error) {
    return failed(errorMessage(error) ?? 'File deployment failed');
  }
  return ok(`File deployed to ${path}`);
}

/** Without device owner the managers' own messages are unknown, so the agent's null-message fallback is used. */
function toggle(p: Payload, env: CommandEnvironment, feature: string, failure: string): CommandResult {
  const enabled = bool(p, 'enabled') ?? true;
  if (!env.deviceOwner) return failed(failure);
  return ok(`${feature} ${enabled ? 'enabled' : 'disabled'}`);
}

function verifySha256(apk: Buffer, expected: string | null, packageName: string): void {
  if (expected === null) return;
  const actual = sha256hex(apk);
  if (actual !== expected.toLowerCase()) {
    // Guessed wording: the agent's own message was not available.
    throw new Error(
      `APK integrity check failed for ${packageName}: expected sha256 ${expected}, got ${actual}`,
    );
  }
}

function sha256hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Dotted numeric comparison where an unparseable part counts as older (`SecureUpdate.compareVersions`). */
function compareVersions(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i] === undefined ? 0 : /^-?\d+$/.test(left[i]!) ? Number(left[i]) : null;
    if (x === null) return -1;
    const y = right[i] === undefined ? 0 : /^-?\d+$/.test(right[i]!) ? Number(right[i]) : null;
    if (y === null) return 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function isInstalled(env: CommandEnvironment, packageName: string): boolean {
  return env.profile.installedApps.some((app) => app.packageName === packageName);
}

function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

type Payload = Record<string, unknown> | null;

function ok(message: string, data?: unknown): CommandResult {
  return data === undefined ? { success: true, message } : { success: true, message, data };
}

function failed(message: string, data?: unknown): CommandResult {
  return data === undefined ? { success: false, message } : { success: false, message, data };
}

/** `payload["key"] as? String`. */
function str(p: Payload, key: string): string | null {
  const value = p?.[key];
  return typeof value === 'string' ? value : null;
}

/** `payload["key"] as? Boolean`. */
function bool(p: Payload, key: string): boolean | null {
  const value = p?.[key];
  return typeof value === 'boolean' ? value : null;
}

/** `(payload["key"] as? Number)?.toInt()`: truncation toward zero, saturating at Int bounds. */
function int(p: Payload, key: string): number | null {
  const value = p?.[key];
  if (typeof value !== 'number') return null;
  if (Number.isNaN(value)) return 0;
  return Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.trunc(value)));
}

/** Kotlin's `e.message`, which is null for an exception built without one. */
function errorMessage(error: unknown): string | null {
  return error instanceof Error && error.message.length > 0 ? error.message : null;
}
