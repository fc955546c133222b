import { describe, expect, it } from 'vitest';
import { androidProvisioningPayload, apkChecksum } from './provisioning.js';

describe('androidProvisioningPayload', () => {
  const base = {
    serverUrl: 'https://mdm.example.test/mdm',
    deviceSecret: 'secret',
    enrollmentToken: 'tok',
    agentApk: { url: 'https://dl.example.test/agent.apk', sha256: 'ab'.repeat(32) },
  };

  it('names the agent admin component, the APK and the extras the agent reads', () => {
    const payload = androidProvisioningPayload({
      ...base,
      groupId: 'grp_1',
      wifi: { ssid: 'corp', password: 'pw' },
    });
    expect(payload).toEqual({
      'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME':
        'com.openmdm.agent/.receiver.MDMDeviceAdminReceiver',
      'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION':
        'https://dl.example.test/agent.apk',
      'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM':
        'q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s',
      'android.app.extra.PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED': true,
      'android.app.extra.PROVISIONING_SKIP_ENCRYPTION': false,
      'android.app.extra.PROVISIONING_WIFI_SSID': 'corp',
      'android.app.extra.PROVISIONING_WIFI_PASSWORD': 'pw',
      'android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE': 'WPA',
      'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
        'openmdm.server_url': 'https://mdm.example.test/mdm',
        'openmdm.device_secret': 'secret',
        'openmdm.enrollment_token': 'tok',
        'openmdm.group_id': 'grp_1',
      },
    });
  });

  it('prefers a signature checksum and refuses an APK without any checksum', () => {
    const signed = androidProvisioningPayload({
      ...base,
      agentApk: { url: base.agentApk.url, signatureChecksum: 'sig' },
    });
    expect(signed['android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM']).toBe('sig');
    expect(signed).not.toHaveProperty('android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM');
    expect(() => androidProvisioningPayload({ ...base, agentApk: { url: base.agentApk.url } })).toThrow(
      /checksum/,
    );
    expect(() => apkChecksum('nothex')).toThrow(/sha256/);
  });
});
