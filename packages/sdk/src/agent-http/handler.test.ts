import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  heartbeatBody,
  hmacEnrollment,
  newDeviceKey,
  pinnedEnrollment,
  signDeviceToken,
} from '../../test/agent-fixtures.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { type AgentHandler, createAgentHandler } from './handler.js';

const base = 'http://mdm.test/mdm';

function call(
  handler: AgentHandler,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; token?: string; v2?: boolean; ip?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.v2 !== false) headers['x-openmdm-protocol'] = '2';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = 'application/json; charset=UTF-8';
  return handler(new Request(`${base}${path}`, { method, headers, body }), {
    clientIp: options.ip ?? '10.0.0.1',
  }).then(async (response) => ({
    status: response.status,
    headers: response.headers,
    body: await response.json(),
  }));
}

describe.each(['postgres', 'pglite'] as const)('agent HTTP handler on %s', (driver) => {
  let t: TestMDM;
  let handler: AgentHandler;
  beforeAll(async () => {
    t = await createTestMDM(driver);
    handler = createAgentHandler(t.mdm, {
      basePath: '/mdm',
      enrollRateLimit: { max: 1000, windowSeconds: 60 },
    });
    await t.mdm.policies.create({ name: 'Fleet', settings: {}, isDefault: true });
  });
  afterAll(() => t.cleanup());

  async function enrolled() {
    const r = await call(handler, 'POST', '/agent/enroll', { body: hmacEnrollment() });
    return r.body.data as { deviceId: string; token: string; refreshToken: string };
  }

  it('enroll: v2 envelope at 200, v1 bare at 201, with what the agent requires', async () => {
    const v2 = await call(handler, 'POST', '/agent/enroll', { body: hmacEnrollment() });
    expect(v2.status).toBe(200);
    expect(v2.headers.get('content-type')).toContain('application/json');
    expect(v2.body).toMatchObject({ ok: true, action: 'none' });
    const data = v2.body.data;
    expect(Object.keys(data).sort()).toEqual(
      [
        'deviceId',
        'enrollmentId',
        'policy',
        'policyId',
        'pushConfig',
        'refreshToken',
        'serverUrl',
        'status',
        'token',
        'tokenExpiresAt',
      ].sort(),
    );
    expect(data.serverUrl).toBe(base);
    expect(Number.isInteger(data.pushConfig.pollingInterval)).toBe(true);
    expect(data.pushConfig.provider).toBe('polling');
    expect(typeof data.policy.version).toBe('string');
    const v1 = await call(handler, 'POST', '/agent/enroll', { body: hmacEnrollment(), v2: false });
    expect(v1.status).toBe(201);
    expect(v1.body.deviceId).toMatch(/^dev_/);
  });

  it('challenge is bare under v2 too, and the pinned-key path works over HTTP', async () => {
    const challenge = await call(handler, 'GET', '/agent/enroll/challenge');
    expect(challenge.status).toBe(200);
    expect(Object.keys(challenge.body).sort()).toEqual(['challenge', 'expiresAt', 'ttlSeconds']);
    const r = await call(handler, 'POST', '/agent/enroll', {
      body: pinnedEnrollment(challenge.body.challenge, newDeviceKey()),
    });
    expect(r.body.ok).toBe(true);
  });

  it('maps every refusal as spec §1.5/§11 say, for v1 and v2', async () => {
    const device = await enrolled();
    const cases: [
      string,
      Promise<{ status: number; body: Record<string, unknown> }>,
      number,
      Record<string, unknown>,
    ][] = [];
    const both = (
      name: string,
      method: string,
      path: string,
      opts: Parameters<typeof call>[3],
      v1: number,
      v2: Record<string, unknown>,
    ) => {
      cases.push([`${name} v2`, call(handler, method, path, opts), v2.status as number, v2]);
      cases.push([`${name} v1`, call(handler, method, path, { ...opts, v2: false }), v1, {}]);
    };
    both('no token', 'POST', '/agent/heartbeat', { body: {} }, 401, {
      status: 200,
      ok: false,
      action: 'reauth',
      code: 'DEVICE_TOKEN_MISSING',
    });
    both('forged token', 'POST', '/agent/heartbeat', { body: {}, token: 'x.y.z' }, 401, {
      status: 200,
      ok: false,
      action: 'reauth',
    });
    both('bad refresh', 'POST', '/agent/refresh-token', { body: { refreshToken: 'rt_nope' } }, 401, {
      status: 200,
      action: 'reauth',
      code: 'REFRESH_TOKEN_INVALID',
    });
    both('bad JSON', 'POST', '/agent/heartbeat', { raw: '{"battery', token: device.token }, 400, {
      status: 400,
      code: 'BAD_JSON',
    });
    both(
      'wrong type',
      'POST',
      '/agent/heartbeat',
      { body: { batteryLevel: 'x' }, token: device.token },
      400,
      { status: 400, code: 'VALIDATION_ERROR' },
    );
    both('unknown command', 'POST', '/agent/commands/cmd_x/ack', { token: device.token }, 404, {
      status: 404,
      code: 'COMMAND_NOT_FOUND',
    });
    both('unknown route', 'GET', '/agent/nothing', {}, 404, { status: 404, code: 'ROUTE_NOT_FOUND' });
    both('wrong method', 'GET', '/agent/heartbeat', {}, 405, { status: 405, code: 'METHOD_NOT_ALLOWED' });
    both('bad enrolment', 'POST', '/agent/enroll', { body: { ...hmacEnrollment(), signature: '00' } }, 401, {
      status: 401,
      code: 'ENROLLMENT_SIGNATURE_INVALID',
    });
    for (const [name, promise, status, expected] of cases) {
      const r = await promise;
      expect(r.status, name).toBe(status);
      const { status: _s, ...fields } = expected;
      expect(r.body, name).toMatchObject(fields);
      if (r.status >= 400) expect(typeof r.body.error, name).toBe('string');
    }
  });

  it('blocked is a plain 403, unenrolled and deleted are `unenroll` (404 on v1)', async () => {
    const blocked = await enrolled();
    await t.mdm.devices.block(blocked.deviceId);
    const b = await call(handler, 'POST', '/agent/heartbeat', {
      body: heartbeatBody(),
      token: blocked.token,
    });
    expect([b.status, b.body.code]).toEqual([403, 'DEVICE_BLOCKED']);
    const gone = await enrolled();
    await t.mdm.devices.delete(gone.deviceId);
    const g2 = await call(handler, 'POST', '/agent/heartbeat', { body: heartbeatBody(), token: gone.token });
    expect(g2.body).toMatchObject({ ok: false, action: 'unenroll', code: 'DEVICE_NOT_FOUND' });
    const g1 = await call(handler, 'POST', '/agent/heartbeat', {
      body: heartbeatBody(),
      token: gone.token,
      v2: false,
    });
    expect(g1.status).toBe(404);
  });

  it('body limit 413 and per-IP enrolment rate limit (429 v1, retry v2)', async () => {
    const small = createAgentHandler(t.mdm, {
      basePath: '/mdm',
      maxBodyBytes: 512,
      enrollRateLimit: { max: 2, windowSeconds: 60 },
    });
    const big = await call(small, 'POST', '/agent/enroll', {
      body: { ...hmacEnrollment(), pad: 'x'.repeat(1000) },
      ip: 'a',
    });
    expect([big.status, big.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    await call(small, 'POST', '/agent/enroll', { body: hmacEnrollment(), ip: 'a' });
    const v2 = await call(small, 'POST', '/agent/enroll', { body: hmacEnrollment(), ip: 'a' });
    expect(v2).toMatchObject({ status: 200, body: { ok: false, action: 'retry', code: 'RATE_LIMITED' } });
    const v1 = await call(small, 'POST', '/agent/enroll', { body: hmacEnrollment(), ip: 'a', v2: false });
    expect(v1.status).toBe(429);
    expect(v1.headers.get('retry-after')).toMatch(/^\d+$/);
    const other = await call(small, 'POST', '/agent/enroll', { body: hmacEnrollment(), ip: 'b' });
    expect(other.body.ok).toBe(true);
  });

  it('ack ×3 and complete ×2 (retries) change nothing after the first; success:false completes', async () => {
    const device = await enrolled();
    const cmd = await t.mdm.devices.installApp(device.deviceId, {
      packageName: 'com.x.y',
      url: 'https://x/y.apk',
    });
    const hb = await call(handler, 'POST', '/agent/heartbeat', {
      body: heartbeatBody(),
      token: device.token,
    });
    expect(hb.body.data.pendingCommands.map((c: { id: string }) => c.id)).toEqual([cmd.id]);
    for (let i = 0; i < 3; i++) {
      const ack = await handler(
        new Request(`${base}/agent/commands/${cmd.id}/ack`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${device.token}`,
            'x-openmdm-protocol': '2',
            'content-length': '0',
          },
        }),
      );
      expect(await ack.json()).toEqual({ ok: true, action: 'none', data: { success: true } });
    }
    const result = { message: 'Invalid install parameters', success: false };
    await call(handler, 'POST', `/agent/commands/${cmd.id}/complete`, { body: result, token: device.token });
    const after = await t.mdm.commands.get(cmd.id);
    await call(handler, 'POST', `/agent/commands/${cmd.id}/complete`, {
      body: { success: true, message: 'other' },
      token: device.token,
    });
    expect(await t.mdm.commands.get(cmd.id)).toEqual(after);
    expect(after).toMatchObject({
      status: 'completed',
      result: { success: false, message: 'Invalid install parameters' },
    });
    const types = (await t.mdm.events({ commandId: cmd.id })).map((e) => e.type);
    expect(types).toEqual(['command.created', 'command.sent', 'command.acknowledged', 'command.completed']);
  });

  it("another device's command id is refused exactly like an unknown id", async () => {
    const owner = await enrolled();
    const intruder = await enrolled();
    const cmd = await t.mdm.devices.lock(owner.deviceId);
    for (const action of ['ack', 'complete', 'fail']) {
      const body = action === 'fail' ? { error: 'x' } : { success: true };
      const theirs = await call(handler, 'POST', `/agent/commands/${cmd.id}/${action}`, {
        body,
        token: intruder.token,
      });
      const unknown = await call(handler, 'POST', `/agent/commands/cmd_doesnotexist0000000000/${action}`, {
        body,
        token: intruder.token,
      });
      expect(theirs.status).toBe(unknown.status);
      expect(theirs.body).toEqual(unknown.body);
    }
    expect((await t.mdm.commands.get(cmd.id)).status).toBe('pending');
  });

  it('token expiry → reauth → refresh (no Authorization header) → success', async () => {
    const device = await enrolled();
    const expired = await signDeviceToken(device.deviceId, { expiresAt: 1_000_000 });
    const denied = await call(handler, 'POST', '/agent/heartbeat', { body: heartbeatBody(), token: expired });
    expect(denied.body).toMatchObject({ ok: false, action: 'reauth', code: 'DEVICE_TOKEN_EXPIRED' });
    const refreshed = await call(handler, 'POST', '/agent/refresh-token', {
      body: { refreshToken: device.refreshToken },
    });
    expect(Object.keys(refreshed.body.data).sort()).toEqual(['expiresAt', 'refreshToken', 'token']);
    const ok = await call(handler, 'POST', '/agent/heartbeat', {
      body: heartbeatBody(),
      token: refreshed.body.data.token,
    });
    expect(ok.body.ok).toBe(true);
  });

  it('push-token, events, config, pending commands, healthz and readyz', async () => {
    const device = await enrolled();
    const push = await call(handler, 'POST', '/agent/push-token', {
      body: { provider: 'fcm', token: 'fcm-1' },
      token: device.token,
    });
    expect(push.body.ok).toBe(true);
    await call(handler, 'POST', '/agent/push-token', {
      body: { provider: 'fcm', token: 'fcm-1' },
      token: device.token,
    });
    expect(
      await t.mdm.events({ deviceId: device.deviceId, types: ['device.pushTokenRegistered'] }),
    ).toHaveLength(1);
    expect((await t.mdm.devices.get(device.deviceId)).pushProvider).toBe('fcm');
    const ev = {
      payload: { packageName: 'com.x', success: true, message: '', timestamp: 1736937000123 },
      timestamp: '2025-01-15T10:30:00.123Z',
      type: 'app_install',
    };
    expect((await call(handler, 'POST', '/agent/events', { body: ev, token: device.token })).body.ok).toBe(
      true,
    );
    const [stored] = await t.mdm.events({ deviceId: device.deviceId, types: ['device.event'] });
    expect(stored!.payload).toEqual({ deviceId: device.deviceId, type: 'app_install', payload: ev.payload });
    const cmd = await t.mdm.devices.reboot(device.deviceId);
    const config = await call(handler, 'GET', '/agent/config', { token: device.token });
    expect(config.body.data.pendingCommands.map((c: { id: string }) => c.id)).toEqual([cmd.id]);
    const pending = await call(handler, 'GET', '/agent/commands/pending', { token: device.token });
    expect(pending.body.data.commands.map((c: { id: string }) => c.id)).toEqual([cmd.id]);
    expect((await t.mdm.commands.get(cmd.id)).status).toBe('sent');
    expect(
      (
        await call(handler, 'DELETE', '/agent/push-token', {
          body: { provider: 'fcm', token: 'fcm-1' },
          token: device.token,
        })
      ).body.ok,
    ).toBe(true);
    expect((await t.mdm.devices.get(device.deviceId)).hasPushToken).toBe(false);
    expect(await call(handler, 'GET', '/healthz')).toMatchObject({ status: 200, body: { ok: true } });
    expect(await call(handler, 'GET', '/readyz')).toMatchObject({ status: 200, body: { ok: true } });
  });
});
