import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceFields, heartbeatBody, hmacEnrollment, signDeviceToken } from '../../test/agent-fixtures.js';
import { createAgentHandler } from '../agent-http/handler.js';
import type { MDMInstance } from '../create-mdm.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { hashRefreshToken } from './refresh-tokens.js';

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe.each(['postgres', 'pglite'] as const)('device tokens on %s', (driver) => {
  let t: TestMDM;
  let mdm: MDMInstance;
  beforeAll(async () => {
    t = await createTestMDM(driver);
    mdm = t.mdm;
  });
  afterAll(() => t.cleanup());

  it('pins the algorithm, issuer, audience and typ', async () => {
    const { deviceId } = await mdm.enroll(hmacEnrollment());
    expect(await code(mdm.verifyDeviceToken(await signDeviceToken(deviceId)))).toBe('accepted');
    expect(await code(mdm.verifyDeviceToken(await signDeviceToken(deviceId, { audience: 'admin' })))).toBe(
      'DEVICE_TOKEN_INVALID',
    );
    expect(await code(mdm.verifyDeviceToken(await signDeviceToken(deviceId, { typ: 'JWT' })))).toBe(
      'DEVICE_TOKEN_INVALID',
    );
    expect(
      await code(
        mdm.verifyDeviceToken(
          await signDeviceToken(deviceId, { secret: 'another-secret-0123456789abcdefghij' }),
        ),
      ),
    ).toBe('DEVICE_TOKEN_INVALID');
    const [header, payload] = (await signDeviceToken(deviceId)).split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"openmdm-device+jwt"}').toString('base64url')}.${payload}.`;
    expect(header).toBeTruthy();
    expect(await code(mdm.verifyDeviceToken(none))).toBe('DEVICE_TOKEN_INVALID');
    expect(await code(mdm.verifyDeviceToken(await signDeviceToken(deviceId, { expiresAt: 1_000_000 })))).toBe(
      'DEVICE_TOKEN_EXPIRED',
    );
  });

  it('refuses blocked, unenrolled and deleted devices at once, even with a valid token', async () => {
    const blocked = await mdm.enroll(hmacEnrollment());
    await mdm.devices.block(blocked.deviceId);
    expect(await code(mdm.verifyDeviceToken(blocked.token))).toBe('DEVICE_BLOCKED');
    // An expired token of a blocked device says "blocked", so the agent does not refresh and wipe itself.
    const expired = await signDeviceToken(blocked.deviceId, { expiresAt: 1_000_000 });
    expect(await code(mdm.verifyDeviceToken(expired))).toBe('DEVICE_BLOCKED');
    expect(await code(mdm.refreshDeviceToken(blocked.refreshToken))).toBe('DEVICE_BLOCKED');
    const unenrolled = await mdm.enroll(hmacEnrollment());
    await mdm.devices.unenroll(unenrolled.deviceId);
    expect(await code(mdm.verifyDeviceToken(unenrolled.token))).toBe('DEVICE_UNENROLLED');
    expect(await code(mdm.processHeartbeat(unenrolled.deviceId, {}))).toBe('DEVICE_UNENROLLED');
    const deleted = await mdm.enroll(hmacEnrollment());
    await mdm.devices.delete(deleted.deviceId);
    expect(await code(mdm.verifyDeviceToken(deleted.token))).toBe('DEVICE_NOT_FOUND');
    expect(await code(mdm.processHeartbeat(deleted.deviceId, {}))).toBe('DEVICE_NOT_FOUND');
  });

  it('rotates the refresh token on every use and stores only its hash', async () => {
    const enrolled = await mdm.enroll(hmacEnrollment());
    const first = await mdm.refreshDeviceToken(enrolled.refreshToken);
    expect(first.refreshToken).not.toBe(enrolled.refreshToken);
    expect((await mdm.verifyDeviceToken(first.token)).deviceId).toBe(enrolled.deviceId);
    const second = await mdm.refreshDeviceToken(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const stored = await mdm.database.db.execute(
      sql`select token_hash from mdm_refresh_tokens where device_id = ${enrolled.deviceId}`,
    );
    const hashes = ((stored as unknown as { rows: { token_hash: string }[] }).rows ?? []).map(
      (r) => r.token_hash,
    );
    expect(hashes).toContain(hashRefreshToken(second.refreshToken));
    expect(hashes.join()).not.toContain(second.refreshToken);
  });

  it('a retried refresh (response lost) still works; reuse after the grace revokes the whole family', async () => {
    const enrolled = await mdm.enroll(hmacEnrollment());
    const a = await mdm.refreshDeviceToken(enrolled.refreshToken);
    const retry = await mdm.refreshDeviceToken(enrolled.refreshToken);
    expect(retry.refreshToken).not.toBe(a.refreshToken);
    const b = await mdm.refreshDeviceToken(a.refreshToken);
    // Pretend the first token was used long ago: presenting it now is theft, not a retry.
    await mdm.database.db.execute(
      sql`update mdm_refresh_tokens set used_at = now() - interval '1 hour' where token_hash = ${hashRefreshToken(enrolled.refreshToken)}`,
    );
    expect(await code(mdm.refreshDeviceToken(enrolled.refreshToken))).toBe('REFRESH_TOKEN_REUSED');
    expect(await code(mdm.refreshDeviceToken(b.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
    expect(await code(mdm.refreshDeviceToken(retry.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
    expect(await code(mdm.refreshDeviceToken('rt_unknown'))).toBe('REFRESH_TOKEN_INVALID');
  });

  it('an expired refresh token is refused', async () => {
    const enrolled = await mdm.enroll(hmacEnrollment());
    await mdm.database.db.execute(
      sql`update mdm_refresh_tokens set expires_at = now() - interval '1 second' where device_id = ${enrolled.deviceId}`,
    );
    expect(await code(mdm.refreshDeviceToken(enrolled.refreshToken))).toBe('REFRESH_TOKEN_EXPIRED');
  });

  it('access tokens die with their credentials: refresh-token reuse and re-enrolment void the earlier ones', async () => {
    const handler = createAgentHandler(mdm);
    const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'x-openmdm-protocol': '2' });
    const beat = async (token: string) =>
      (
        await handler(
          new Request('http://h/agent/heartbeat', {
            method: 'POST',
            headers: headers(token),
            body: JSON.stringify(heartbeatBody()),
          }),
        )
      ).json();
    const config = async (token: string) =>
      (await handler(new Request('http://h/agent/config', { headers: headers(token) }))).json();
    const revoked = { ok: false, action: 'reauth', code: 'DEVICE_TOKEN_REVOKED' };

    const fields = deviceFields();
    const enrolled = await mdm.enroll(hmacEnrollment(fields));
    const a = await mdm.refreshDeviceToken(enrolled.refreshToken);
    expect(await beat(enrolled.token)).toMatchObject({ ok: true });
    expect(await beat(a.token)).toMatchObject({ ok: true });
    await mdm.database.db.execute(
      sql`update mdm_refresh_tokens set used_at = now() - interval '1 hour' where token_hash = ${hashRefreshToken(enrolled.refreshToken)}`,
    );
    expect(await code(mdm.refreshDeviceToken(enrolled.refreshToken))).toBe('REFRESH_TOKEN_REUSED');
    for (const token of [enrolled.token, a.token]) {
      expect(await beat(token)).toMatchObject(revoked);
      expect(await config(token)).toMatchObject(revoked);
      expect(await code(mdm.verifyDeviceToken(token))).toBe('DEVICE_TOKEN_REVOKED');
    }

    // Enrolling again is the way back; a further re-enrolment voids the tokens of the one before.
    const back = await mdm.enroll(hmacEnrollment(fields));
    expect(back.deviceId).toBe(enrolled.deviceId);
    expect(await beat(back.token)).toMatchObject({ ok: true });
    expect(await config(back.token)).toMatchObject({ ok: true });
    const later = await mdm.enroll(hmacEnrollment(fields));
    expect(await beat(back.token)).toMatchObject(revoked);
    expect(await beat(later.token)).toMatchObject({ ok: true });
    // An in-process caller that passes no token generation is not affected.
    await expect(mdm.processHeartbeat(enrolled.deviceId, heartbeatBody())).resolves.toMatchObject({
      success: true,
    });
  });
});
