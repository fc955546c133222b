import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceFields, hmacEnrollment, newDeviceKey, pinnedEnrollment } from '../../test/agent-fixtures.js';
import type { MDMInstance } from '../create-mdm.js';
import { createMDM } from '../create-mdm.js';
import { createTestMDM, type TestMDM, testSecrets } from '../testing/index.js';
import { DeviceAccessDeniedError } from './errors.js';

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'accepted';
}

describe.each(['postgres', 'pglite'] as const)('enrollment on %s', (driver) => {
  let t: TestMDM;
  let mdm: MDMInstance;
  beforeAll(async () => {
    t = await createTestMDM(driver);
    mdm = t.mdm;
    await mdm.policies.create({ name: 'Fleet', settings: { heartbeatInterval: 90 }, isDefault: true });
  });
  afterAll(() => t.cleanup());

  it('enrols with HMAC and returns everything the agent needs', async () => {
    const result = await mdm.enroll(hmacEnrollment(), { serverUrl: 'https://h/mdm' });
    expect(result).toMatchObject({
      status: 'enrolled',
      reenrolled: false,
      method: 'hmac',
      serverUrl: 'https://h/mdm',
    });
    expect(result.pushConfig).toEqual({ provider: 'polling', pollingInterval: 90 });
    expect(result.policy?.version).toBe('1');
    expect(result.refreshToken).toMatch(/^rt_/);
    expect((await mdm.verifyDeviceToken(result.token)).deviceId).toBe(result.deviceId);
    const device = await mdm.devices.get(result.deviceId);
    expect(device.appliedPolicyId).toBe(result.policyId);
  });

  it('refuses a wrong signature and a timestamp outside the window', async () => {
    const fields = deviceFields();
    expect(await refusal(mdm.enroll(hmacEnrollment(fields, 'wrong-secret-123')))).toBe(
      'ENROLLMENT_SIGNATURE_INVALID',
    );
    const old = deviceFields({ timestamp: new Date(Date.now() - 16 * 60_000).toISOString() });
    expect(await refusal(mdm.enroll(hmacEnrollment(old)))).toBe('ENROLLMENT_TIMESTAMP_INVALID');
    expect(await refusal(mdm.enroll({ ...hmacEnrollment(), model: 7 }))).toBe('VALIDATION_ERROR');
  });

  it('re-enrolment keeps the device id and its history, and revokes the old refresh tokens', async () => {
    const fields = deviceFields();
    const first = await mdm.enroll(hmacEnrollment(fields));
    const second = await mdm.enroll(
      hmacEnrollment({ ...fields, osVersion: '15', timestamp: new Date().toISOString() }),
    );
    expect(second.deviceId).toBe(first.deviceId);
    expect(second.reenrolled).toBe(true);
    expect((await mdm.devices.get(first.deviceId)).osVersion).toBe('15');
    expect((await mdm.events({ deviceId: first.deviceId, types: ['device.enrolled'] })).length).toBe(2);
    expect(await refusal(mdm.refreshDeviceToken(first.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
  });

  it('the same enrolment sent three times at once (retry interceptor) makes one device', async () => {
    const body = hmacEnrollment();
    const results = await Promise.all([mdm.enroll(body), mdm.enroll(body), mdm.enroll(body)]);
    expect(new Set(results.map((r) => r.deviceId)).size).toBe(1);
  });

  it('does not merge devices on placeholder identifiers (serial "unknown", MAC 02:00:00:00:00:00)', async () => {
    const a = await mdm.enroll(
      hmacEnrollment(deviceFields({ serialNumber: 'unknown', macAddress: '02:00:00:00:00:00' })),
    );
    const b = await mdm.enroll(
      hmacEnrollment(deviceFields({ serialNumber: 'unknown', macAddress: '02:00:00:00:00:00' })),
    );
    expect(a.deviceId).not.toBe(b.deviceId);
  });

  it('a blocked device cannot re-enrol; an unenrolled one can and keeps its id', async () => {
    const fields = deviceFields();
    const first = await mdm.enroll(hmacEnrollment(fields));
    await mdm.devices.block(first.deviceId, 'lost');
    expect(
      await refusal(mdm.enroll(hmacEnrollment({ ...fields, timestamp: new Date().toISOString() }))),
    ).toBe('DEVICE_BLOCKED');
    await mdm.devices.unblock(first.deviceId);
    await mdm.devices.unenroll(first.deviceId);
    const again = await mdm.enroll(hmacEnrollment({ ...fields, timestamp: new Date().toISOString() }));
    expect(again.deviceId).toBe(first.deviceId);
    expect(again.status).toBe('enrolled');
  });

  it('pinned-key path: challenge, ECDSA over 11 fields, single-use challenge burnt before verification', async () => {
    const key = newDeviceKey();
    const { challenge, ttlSeconds } = await mdm.agent.issueChallenge();
    expect(challenge).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(ttlSeconds).toBe(300);
    const body = pinnedEnrollment(challenge, key);
    const tampered = { ...body, signature: pinnedEnrollment(challenge, newDeviceKey()).signature };
    expect(await refusal(mdm.enroll(tampered))).toBe('ENROLLMENT_SIGNATURE_INVALID');
    // The failed attempt spent the challenge: the genuine body cannot use it any more.
    expect(await refusal(mdm.enroll(body))).toBe('CHALLENGE_INVALID');
    const fresh = await mdm.agent.issueChallenge();
    const result = await mdm.enroll(pinnedEnrollment(fresh.challenge, key));
    expect(result.method).toBe('pinned-key');
    expect((await mdm.devices.get(result.deviceId)).hasPinnedKey).toBe(true);
  });

  it('a challenge is spent by exactly one of two concurrent enrolments', async () => {
    const { challenge } = await mdm.agent.issueChallenge();
    const key = newDeviceKey();
    const body = pinnedEnrollment(challenge, key);
    const outcomes = await Promise.all([refusal(mdm.enroll(body)), refusal(mdm.enroll(body))]);
    expect(outcomes.sort()).toEqual(['CHALLENGE_INVALID', 'accepted']);
  });

  it('key continuity: another key or the HMAC path is refused with distinct codes until an admin unpins', async () => {
    const fields = deviceFields();
    const key = newDeviceKey();
    const first = await mdm.enroll(
      pinnedEnrollment((await mdm.agent.issueChallenge()).challenge, key, fields),
    );
    const other = pinnedEnrollment((await mdm.agent.issueChallenge()).challenge, newDeviceKey(), fields);
    expect(await refusal(mdm.enroll(other))).toBe('PUBLIC_KEY_MISMATCH');
    expect(
      await refusal(mdm.enroll(hmacEnrollment({ ...fields, timestamp: new Date().toISOString() }))),
    ).toBe('PINNED_KEY_REQUIRED');
    const same = await mdm.enroll(
      pinnedEnrollment((await mdm.agent.issueChallenge()).challenge, key, fields),
    );
    expect(same.deviceId).toBe(first.deviceId);
    await mdm.devices.unpinKey(first.deviceId);
    expect((await mdm.events({ deviceId: first.deviceId, types: ['device.keyUnpinned'] })).length).toBe(1);
    const newKey = newDeviceKey();
    const repinned = await mdm.enroll(
      pinnedEnrollment((await mdm.agent.issueChallenge()).challenge, newKey, fields),
    );
    expect(repinned.deviceId).toBe(first.deviceId);
  });

  it('a deleted device is refused at once, and enrols again as a new device', async () => {
    const fields = deviceFields();
    const first = await mdm.enroll(hmacEnrollment(fields));
    await mdm.devices.delete(first.deviceId);
    await expect(mdm.verifyDeviceToken(first.token)).rejects.toBeInstanceOf(DeviceAccessDeniedError);
    const again = await mdm.enroll(hmacEnrollment({ ...fields, timestamp: new Date().toISOString() }));
    expect(again.deviceId).not.toBe(first.deviceId);
  });
});

describe('enrollment options on pglite', () => {
  it('approval mode starts devices pending; the validate hook can refuse or assign', async () => {
    const t = await createTestMDM('pglite', {
      enrollment: {
        deviceSecret: testSecrets.deviceSecret,
        requireApproval: true,
        validate: ({ request }) =>
          request.model === 'Banned' ? { allow: false, reason: 'model not allowed' } : {},
      },
    });
    try {
      const pending = await t.mdm.enroll(hmacEnrollment());
      expect(pending.status).toBe('pending');
      expect(pending.policy).toBeNull();
      await t.mdm.devices.approve(pending.deviceId);
      expect((await t.mdm.devices.get(pending.deviceId)).status).toBe('enrolled');
      await expect(t.mdm.enroll(hmacEnrollment(deviceFields({ model: 'Banned' })))).rejects.toMatchObject({
        code: 'ENROLLMENT_REJECTED',
        message: 'model not allowed',
      });
    } finally {
      await t.cleanup();
    }
  });

  it('without enrollment or auth options the protocol says what is missing', async () => {
    const mdm = createMDM();
    try {
      await expect(mdm.enroll(hmacEnrollment())).rejects.toMatchObject({ code: 'PROTOCOL_NOT_CONFIGURED' });
    } finally {
      await mdm.close();
    }
  });
});
