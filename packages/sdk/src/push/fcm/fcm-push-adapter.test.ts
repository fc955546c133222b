import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { cert, deleteApp, getApps, initializeApp } from 'firebase-admin/app';
import { Messaging } from 'firebase-admin/messaging';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FcmEmulator, RedirectAgent, startFcmEmulator } from '../../../test/fcm-emulator/index.js';
import { ValidationError } from '../../errors.js';
import { type PushMessageInput, type PushTarget, pushMessageSchema } from '../types.js';
import { type FcmPushAdapter, type FcmPushAdapterOptions, fcmPushAdapter } from './index.js';

let emulator: FcmEmulator;
const open: FcmPushAdapter[] = [];

beforeAll(async () => {
  emulator = await startFcmEmulator();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((adapter) => adapter.close()));
});
afterAll(async () => {
  await emulator.close();
});

function adapter(overrides: Partial<FcmPushAdapterOptions> = {}): FcmPushAdapter {
  const created = fcmPushAdapter({
    projectId: emulator.projectId,
    // The key file, not the object: only then does firebase-admin send the token exchange through the agent.
    credential: emulator.serviceAccountPath,
    httpAgent: emulator.httpAgent,
    androidTtlSeconds: 600,
    ...overrides,
  } as FcmPushAdapterOptions);
  open.push(created);
  return created;
}

const wake = (input: PushMessageInput = {}) => pushMessageSchema.parse(input);
const newToken = () => `fcm-token-${randomUUID()}`;
const fcmTarget = (token: string | null = newToken()): PushTarget => ({
  deviceId: `device-${randomUUID()}`,
  provider: 'fcm',
  token,
});
const sentTo = (token: string) => emulator.sent.filter((s) => s.message.token === token);

describe('fcmPushAdapter.send', () => {
  it('delivers a data message the agent reads as "heartbeat now"', async () => {
    const target = fcmTarget();
    const result = await adapter().send(
      target,
      wake({ type: 'command', commandId: 'cmd-1', priority: 'high' }),
    );

    const [sent] = sentTo(target.token!);
    expect(result).toEqual({ deviceId: target.deviceId, ok: true, messageId: sent?.name });
    expect(sent?.project).toBe(emulator.projectId);
    expect(sent?.message).toEqual({
      token: target.token,
      data: { type: 'sync', reason: 'command', commandId: 'cmd-1', timestamp: expect.any(String) },
      android: { priority: 'high', ttl: '600s' },
    });
    expect(sent?.message.data?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The service-account JWT grant went to the (emulated) Google token endpoint.
    expect(emulator.requests).toContainEqual({
      host: 'oauth2.googleapis.com',
      method: 'POST',
      path: '/token',
      status: 200,
    });
  });

  it('sends normal priority, the message TTL over the default, and extra data under the wake-up keys', async () => {
    const target = fcmTarget();
    await adapter().send(target, wake({ ttlSeconds: 30, data: { type: 'wipe', hint: 'x' } }));

    const [sent] = sentTo(target.token!);
    expect(sent?.message.android).toEqual({ priority: 'normal', ttl: '30s' });
    expect(sent?.message.data).toMatchObject({ type: 'sync', reason: 'sync', hint: 'x' });
    expect(sent?.message.data).not.toHaveProperty('commandId');
  });

  it('omits the TTL when neither the message nor the options set one', async () => {
    const target = fcmTarget();
    await adapter({ androidTtlSeconds: undefined }).send(target, wake());
    expect(sentTo(target.token!)[0]?.message.android).toEqual({ priority: 'normal' });
  });

  it('answers no_target without any HTTP call when the device has no FCM token', async () => {
    const push = adapter();
    await push.health(); // the token exchange is done; only sends could add requests now
    const before = emulator.requests.length;

    const results = await Promise.all([
      push.send(fcmTarget(null), wake()),
      push.send({ deviceId: 'd-mqtt', provider: 'mqtt', token: 'not-an-fcm-token' }, wake()),
      push.send({ deviceId: 'd-none', provider: null, token: null }, wake()),
    ]);

    expect(results.map((r) => !r.ok && r.reason)).toEqual(['no_target', 'no_target', 'no_target']);
    expect(emulator.requests.length).toBe(before);
  });

  it.each([
    ['UNREGISTERED', 'invalid_token'],
    ['INVALID_ARGUMENT', 'invalid_token'],
    ['SENDER_ID_MISMATCH', 'invalid_token'],
    ['QUOTA_EXCEEDED', 'transient'],
    ['INTERNAL', 'transient'],
  ] as const)('classifies FCM %s as %s', async (failure, reason) => {
    const target = fcmTarget();
    emulator.failToken(target.token!, failure);
    const result = await adapter().send(target, wake());
    expect(result).toMatchObject({ deviceId: target.deviceId, ok: false, reason });
  });

  it('reports 503 UNAVAILABLE as transient once firebase-admin has spent its own retries', async () => {
    const target = fcmTarget();
    emulator.failToken(target.token!, 'UNAVAILABLE', { retryAfterSeconds: 1 });
    const push = adapter();
    await push.health();
    const before = emulator.requests.length;

    const result = await push.send(target, wake());

    expect(result).toMatchObject({ ok: false, reason: 'transient' });
    const attempts = emulator.requests.slice(before).filter((r) => r.status === 503);
    expect(attempts).toHaveLength(5); // 1 + firebase-admin's 4 retries on 503
  });

  it('keeps the token on refusals that are not about the token', async () => {
    const wrongProject = await adapter({ projectId: 'someone-elses-project' }).send(fcmTarget(), wake());
    expect(wrongProject).toMatchObject({ ok: false, reason: 'permanent' });

    const reservedKey = await adapter().send(fcmTarget(), wake({ data: { from: 'x' } }));
    expect(reservedKey).toMatchObject({ ok: false, reason: 'permanent' });
  });

  it('reports transient when FCM cannot be reached at all', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const unreachable = new RedirectAgent(closedPort);
    const push = adapter({
      // A Credential that already has a token: only the send itself meets the closed port.
      credential: { getAccessToken: async () => ({ access_token: 'ya29.x', expires_in: 3600 }) },
      httpAgent: unreachable,
    });
    const result = await push.send(fcmTarget(), wake());
    unreachable.destroy();
    expect(result).toMatchObject({ ok: false, reason: 'transient' });
  });
});

describe('fcmPushAdapter.sendMany', () => {
  it('batches through sendEach in chunks of 500 and keeps results in target order', async () => {
    const sendEach = vi.spyOn(Messaging.prototype, 'sendEach');
    const targets = Array.from({ length: 501 }, () => fcmTarget());
    const noToken = fcmTarget(null);
    const unregistered = fcmTarget();
    emulator.failToken(unregistered.token!, 'UNREGISTERED');
    const all = [targets[0]!, noToken, unregistered, ...targets.slice(1)];

    const results = await adapter().sendMany(all, wake({ type: 'policy' }));

    expect(sendEach.mock.calls.map(([messages]) => messages.length)).toEqual([500, 2]);
    expect(results.map((r) => r.deviceId)).toEqual(all.map((t) => t.deviceId));
    expect(results[1]).toMatchObject({ ok: false, reason: 'no_target' });
    expect(results[2]).toMatchObject({ ok: false, reason: 'invalid_token' });
    expect(results.filter((r) => r.ok)).toHaveLength(501);
    for (const [i, target] of targets.entries()) {
      const [sent] = sentTo(target.token!);
      expect(sent?.message.data).toMatchObject({ type: 'sync', reason: 'policy' });
      expect(results[i === 0 ? 0 : i + 2]).toEqual({
        deviceId: target.deviceId,
        ok: true,
        messageId: sent?.name,
      });
    }
  });

  it('makes no call when no target has an FCM token', async () => {
    const sendEach = vi.spyOn(Messaging.prototype, 'sendEach');
    const results = await adapter().sendMany([fcmTarget(null)], wake());
    expect(results).toMatchObject([{ ok: false, reason: 'no_target' }]);
    expect(sendEach).not.toHaveBeenCalled();
  });
});

describe('fcmPushAdapter options', () => {
  const invalidAt = (...path: string[]) =>
    expect.objectContaining({
      code: 'VALIDATION_ERROR',
      issues: expect.arrayContaining([expect.objectContaining({ path })]),
    });
  const create = (options: unknown) => () => fcmPushAdapter(options as FcmPushAdapterOptions);
  // Shaped like a key; never parsed, since another field fails validation first.
  const key = { client_email: 'fcm@p.iam.gserviceaccount.com', private_key: 'unread' };

  it.each([
    [{}, 'projectId'],
    [{ projectId: 'p' }, 'credential'],
    [{ projectId: 'p', credential: { client_email: 'a@b' } }, 'credential'],
    [{ projectId: 'p', credential: { client_email: 'a@b', private_key: 'not a key' } }, 'credential'],
    [{ projectId: 'p', credential: '/nonexistent/key.json' }, 'credential'],
    [{ projectId: 'p', credential: key, androidTtlSeconds: -1 }, 'androidTtlSeconds'],
    [{ projectId: 'p', credential: key, senderId: 'abc' }, 'senderId'],
    [{ projectId: 'p', credential: key, httpAgent: {} }, 'httpAgent'],
    [{ projectId: 'p', credential: key, logger: console.log }, 'logger'],
    [{ app: {} }, 'app'],
  ])('rejects %j with a typed error at %s', (options, path) => {
    expect(create(options)).toThrow(ValidationError);
    expect(create(options)).toThrow(invalidAt(path));
  });

  it('rejects unknown options, such as a misspelt one', () => {
    expect(create({ projectId: 'p', credential: key, ttl: 5 })).toThrow(invalidAt());
  });

  it('refuses app together with settings that belong on the App', () => {
    const app = initializeApp(
      { projectId: 'p', credential: cert(emulator.serviceAccountPath) },
      randomUUID(),
    );
    try {
      expect(create({ app, projectId: 'p' })).toThrow(invalidAt('projectId'));
      expect(create({ app, httpAgent: emulator.httpAgent })).toThrow(invalidAt('httpAgent'));
    } finally {
      void deleteApp(app);
    }
  });
});

describe('fcmPushAdapter lifecycle', () => {
  it('advertises the sender id only when configured', () => {
    expect(adapter().pushConfig('d1')).toEqual({});
    expect(adapter({ senderId: '123456789012' }).pushConfig('d1')).toEqual({ fcmSenderId: '123456789012' });
  });

  it('is healthy when it can obtain an access token', async () => {
    expect(await adapter().health()).toEqual({
      ok: true,
      provider: 'fcm',
      detail: `project ${emulator.projectId}`,
    });
  });

  it('is unhealthy when no access token can be obtained', async () => {
    const credential = {
      getAccessToken: () => Promise.reject(new Error('invalid_grant: Invalid JWT Signature.')),
    };
    const health = await adapter({ credential }).health();
    expect(health).toEqual({
      ok: false,
      provider: 'fcm',
      detail: 'cannot obtain an access token: invalid_grant: Invalid JWT Signature.',
    });
  });

  it('deletes the App it created on close, and then refuses to send', async () => {
    const before = getApps().length;
    const push = fcmPushAdapter({ projectId: emulator.projectId, credential: emulator.serviceAccount });
    expect(getApps()).toHaveLength(before + 1);

    await push.close();

    expect(getApps()).toHaveLength(before);
    expect(await push.send(fcmTarget(), wake())).toMatchObject({ ok: false, reason: 'permanent' });
    expect(await push.health()).toMatchObject({ ok: false });
  });

  it('uses an App the host initialised and leaves it alive on close', async () => {
    const app = initializeApp(
      {
        projectId: emulator.projectId,
        credential: cert(emulator.serviceAccountPath, emulator.httpAgent),
        httpAgent: emulator.httpAgent,
      },
      `host-app-${randomUUID()}`,
    );
    const push = fcmPushAdapter({ app });
    const target = fcmTarget();

    const results = await push.sendMany([target], wake());
    await push.close();

    expect(results).toMatchObject([{ ok: true }]);
    expect(sentTo(target.token!)).toHaveLength(1);
    expect(getApps()).toContain(app);
    await deleteApp(app);
  });

  it('accepts a firebase-admin Credential', async () => {
    const target = fcmTarget();
    const push = adapter({ credential: cert(emulator.serviceAccountPath, emulator.httpAgent) });
    expect(await push.send(target, wake())).toMatchObject({ ok: true });
  });
});
