import { MDMError } from '../errors.js';

/** The agent's device-admin receiver, as Android's managed provisioning names it. */
export const agentAdminComponent = 'com.openmdm.agent/.receiver.MDMDeviceAdminReceiver';

/** Keys of the admin-extras bundle that the agent reads at the end of provisioning. */
export const agentExtras = {
  serverUrl: 'openmdm.server_url',
  deviceSecret: 'openmdm.device_secret',
  enrollmentToken: 'openmdm.enrollment_token',
  policyId: 'openmdm.policy_id',
  groupId: 'openmdm.group_id',
} as const;

const EXTRA = 'android.app.extra.';

export interface AgentApk {
  /** Where the device downloads the agent APK during provisioning. */
  url: string;
  /** SHA-256 of the APK file, hex; or `checksum` already in Android's URL-safe base64 form. */
  sha256?: string;
  checksum?: string;
  /** URL-safe base64 SHA-256 of the APK's signing certificate, instead of the file checksum. */
  signatureChecksum?: string;
}

export interface ProvisioningInput {
  serverUrl: string;
  deviceSecret: string;
  enrollmentToken: string;
  agentApk: AgentApk;
  policyId?: string | null;
  groupId?: string | null;
  wifi?: { ssid: string; password?: string; securityType?: 'NONE' | 'WEP' | 'WPA' | 'EAP'; hidden?: boolean };
  leaveAllSystemAppsEnabled?: boolean;
  skipEncryption?: boolean;
  locale?: string;
  timeZone?: string;
}

/** Android's package checksum form: URL-safe base64 of the SHA-256 digest, without padding. */
export function apkChecksum(sha256Hex: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(sha256Hex)) {
    throw new MDMError('VALIDATION_ERROR', 'agentApk.sha256 must be a sha256 hex digest');
  }
  return Buffer.from(sha256Hex, 'hex').toString('base64url');
}

/**
 * The extras of an Android managed-provisioning intent (the JSON a provisioning QR code carries): install the
 * agent as device owner, then hand it the server URL, the enrolment secret and token, and optional policy and
 * group in the admin-extras bundle.
 */
export function androidProvisioningPayload(input: ProvisioningInput): Record<string, unknown> {
  const { agentApk } = input;
  const payload: Record<string, unknown> = {
    [`${EXTRA}PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME`]: agentAdminComponent,
    [`${EXTRA}PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`]: agentApk.url,
  };
  if (agentApk.signatureChecksum) {
    payload[`${EXTRA}PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM`] = agentApk.signatureChecksum;
  } else if (agentApk.checksum || agentApk.sha256) {
    payload[`${EXTRA}PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM`] =
      agentApk.checksum ?? apkChecksum(agentApk.sha256!);
  } else {
    throw new MDMError('VALIDATION_ERROR', 'the agent APK needs a sha256, checksum or signatureChecksum');
  }
  payload[`${EXTRA}PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED`] = input.leaveAllSystemAppsEnabled ?? true;
  payload[`${EXTRA}PROVISIONING_SKIP_ENCRYPTION`] = input.skipEncryption ?? false;
  if (input.locale) payload[`${EXTRA}PROVISIONING_LOCALE`] = input.locale;
  if (input.timeZone) payload[`${EXTRA}PROVISIONING_TIME_ZONE`] = input.timeZone;
  if (input.wifi) {
    payload[`${EXTRA}PROVISIONING_WIFI_SSID`] = input.wifi.ssid;
    if (input.wifi.password) payload[`${EXTRA}PROVISIONING_WIFI_PASSWORD`] = input.wifi.password;
    payload[`${EXTRA}PROVISIONING_WIFI_SECURITY_TYPE`] =
      input.wifi.securityType ?? (input.wifi.password ? 'WPA' : 'NONE');
    if (input.wifi.hidden) payload[`${EXTRA}PROVISIONING_WIFI_HIDDEN`] = true;
  }
  const extras: Record<string, string> = {
    [agentExtras.serverUrl]: input.serverUrl,
    [agentExtras.deviceSecret]: input.deviceSecret,
    [agentExtras.enrollmentToken]: input.enrollmentToken,
  };
  if (input.policyId) extras[agentExtras.policyId] = input.policyId;
  if (input.groupId) extras[agentExtras.groupId] = input.groupId;
  payload[`${EXTRA}PROVISIONING_ADMIN_EXTRAS_BUNDLE`] = extras;
  return payload;
}
