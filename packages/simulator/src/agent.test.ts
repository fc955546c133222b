import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { agentRoutes, enrollReply, routeOf, SPEC_CHALLENGE } from '../test/agent-routes.js';
import { bridgeLines, fail, type Handler, ok, RecordingServer } from '../test/recording-server.js';
import { EnrollmentError, SimulatedAgent, type SimulatedAgentOptions } from './agent.js';
import { pinnedKeyCanonicalMessage } from './canonical.js';
import { createDeviceProfile, type DeviceProfile } from './device-profile.js';
import { DeviceKeyPair, verifyDeviceSignature } from './signing.js';

const NOW = Date.UTC(2025, 0, 15, 10, 30, 0, 123);
const SPEC_KEY = DeviceKeyPair.fromPrivateScalar('1234567890abcdef'.repeat(4));
const SPEC_PUBLIC_KEY =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERxw+dYxJBChbun5TEY7Q9SSt6wdX0lvS+Oew1236cUzdUg96yoqLkXrMN/Ud6PDJu+OthYOC5wLcJaEtCfeoWA==';
const HMAC_BODY =
  '{"agentPackage":"com.openmdm.agent","agentVersion":"1.0.0","androidId":"a1b2c3d4e5f60718","manufacturer":"Google","method":"manual","model":"Pixel 7","osVersion":"14","sdkVersion":34,"signature":"ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0","timestamp":"2025-01-15T10:30:00.123Z"}';

/** The §3.5 Pixel 7. */
function pixel7(): DeviceProfile {
  const profile = createDeviceProfile({ seed: 7, model: 'Pixel 7', release: '14', locationShare: 1 });
  profile.identity = { ...profile.identity, androidId: 'a1b2c3d4e5f60718' };
  return profile;
}

let server: RecordingServer;
let agent: SimulatedAgent;

afterEach(async () => {
  await agent?.close();
  await server?.close();
});

async function setup(handler: Handler, options: Partial<SimulatedAgentOptions> = {}): Promise<void> {
  server = await RecordingServer.start(handler);
  agent = new SimulatedAgent({
    serverUrl: server.url(),
    profile: pixel7(),
    keyPair: SPEC_KEY,
    now: () => NOW,
    retryBaseDelayMs: 2,
    installDelayMs: 5,
    workManager: false,
    ...options,
  });
}

function routes(): string[] {
  return server.requests.map(routeOf);
}

function headerLines(index: number): string[] {
  return server.requests[index]!.headers.map(([name, value]) => `${name}: ${value}`);
}

describe('enrollment', () => {
  it('enrolls with the pinned key: challenge, then the §3.5 body with a valid DER signature', async () => {
    await setup(agentRoutes());
    const outcome = await agent.enroll();

    expect(outcome.path).toBe('pinned-key');
    expect(routes()).toEqual(['challenge', 'enroll']);
    expect(headerLines(0)).toEqual(['X-Openmdm-Protocol: 2', ...bridgeLines(server.port)]);
    const enroll = server.requests[1]!;
    expect(enroll.raw.toString('utf8').startsWith('POST /mdm/agent/enroll HTTP/1.1\r\n')).toBe(true);
    expect(headerLines(1)).toEqual([
      'X-Openmdm-Protocol: 2',
      'Content-Type: application/json; charset=UTF-8',
      `Content-Length: ${Buffer.byteLength(enroll.body)}`,
      ...bridgeLines(server.port),
    ]);

    const signature = (JSON.parse(enroll.body) as { signature: string }).signature;
    expect(enroll.body).toBe(
      `{"agentPackage":"com.openmdm.agent","agentVersion":"1.0.0","androidId":"a1b2c3d4e5f60718","attestationChallenge":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\\u003d","manufacturer":"Google","method":"manual","model":"Pixel 7","osVersion":"14","publicKey":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERxw+dYxJBChbun5TEY7Q9SSt6wdX0lvS+Oew1236cUzdUg96yoqLkXrMN/Ud6PDJu+OthYOC5wLcJaEtCfeoWA\\u003d\\u003d","sdkVersion":34,"signature":"${signature.replaceAll('=', '\\u003d')}","timestamp":"2025-01-15T10:30:00.123Z"}`,
    );
    const identity = agent.profile.identity;
    const message = pinnedKeyCanonicalMessage(
      SPEC_PUBLIC_KEY,
      identity,
      'manual',
      '2025-01-15T10:30:00.123Z',
      SPEC_CHALLENGE,
    );
    expect(verifyDeviceSignature(SPEC_PUBLIC_KEY, message, signature)).toBe(true);

    expect(agent.state).toMatchObject({
      deviceId: 'dev_1',
      token: 'T1',
      refreshToken: null,
      policyVersion: '3',
      pushProvider: 'polling',
      pollingIntervalSeconds: 60,
    });
    expect(agent.counters.enrolledViaPinnedKey).toBe(1);
  });

  it('enrolls with HMAC only when told: the exact §3.5 body, no challenge', async () => {
    await setup(agentRoutes(), { pinnedKey: false, method: 'manual' });
    const outcome = await agent.enroll();
    expect(outcome.path).toBe('hmac');
    expect(routes()).toEqual(['enroll']);
    expect(server.requests[0]!.body).toBe(HMAC_BODY);
  });

  it('uses method qr and the provisioned secret', async () => {
    await setup(agentRoutes(), { pinnedKey: false, method: 'qr', deviceSecret: 'fleet-secret-42' });
    await agent.enroll();
    const body = JSON.parse(server.requests[0]!.body) as { method: string; signature: string };
    expect(body.method).toBe('qr');
    expect(body.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(body.signature).not.toBe('ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0');
  });

  it.each([
    ['503 (after 3 attempts)', () => ({ status: 503, body: { error: 'no storage' } }), 3],
    ['a retry envelope (after 3 attempts)', () => fail('retry'), 3],
    ['404', () => ({ status: 404, body: { error: 'nope' } }), 1],
    ['429', () => ({ status: 429, body: { error: 'slow' } }), 1],
    ['a network error (after 3 attempts)', () => ({ destroy: true as const }), 3],
    ['a 200 without a challenge', () => ({ status: 200, body: { expiresAt: 'x' } }), 1],
    [
      'a 200 that is not JSON',
      () => ({ status: 200, body: '<html>', headers: [['Content-Type', 'text/html']] }),
      1,
    ],
  ] satisfies [string, Handler, number][])(
    'falls back to HMAC when the challenge gives %s',
    async (_, challenge, attempts) => {
      await setup(agentRoutes({ challenge }));
      const outcome = await agent.enroll();
      expect(outcome.path).toBe('hmac');
      expect(routes()).toEqual([...Array<string>(attempts).fill('challenge'), 'enroll']);
      expect(server.requests.at(-1)!.body).toBe(HMAC_BODY);
      expect(agent.counters.challengeFallbacks).toBe(1);
    },
  );

  it('falls back to HMAC when nothing answers the challenge, then enrolls', async () => {
    let challenges = 0;
    await setup(
      agentRoutes({
        challenge: () => {
          challenges++;
          return { destroy: true };
        },
      }),
    );
    await agent.enroll();
    expect(challenges).toBe(3);
    expect(agent.isEnrolled).toBe(true);
  });

  it('reports a refused enrollment with the status and raw body, and stays unenrolled', async () => {
    await setup(
      agentRoutes({
        enroll: () => ({ status: 409, body: { error: 'Public key mismatch', code: 'PUBLIC_KEY_MISMATCH' } }),
      }),
    );
    const error = await agent.enroll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnrollmentError);
    expect((error as EnrollmentError).message).toBe(
      'Enrollment failed: 409 - {"error":"Public key mismatch","code":"PUBLIC_KEY_MISMATCH"}',
    );
    expect(agent.isEnrolled).toBe(false);
    expect(agent.counters.enrollmentFailures).toBe(1);
  });

  it('coerces a numeric policy version to a string and accepts a bare v1 201 body', async () => {
    await setup(
      agentRoutes({
        enroll: () => ({
          status: 201,
          body: {
            deviceId: 'd9',
            token: 'TT',
            policy: { version: 12, settings: {} },
            pushConfig: { provider: 'fcm' },
          },
        }),
      }),
    );
    await agent.enroll();
    expect(agent.state).toMatchObject({
      deviceId: 'd9',
      token: 'TT',
      policyVersion: '12',
      pushProvider: 'fcm',
    });
  });

  it('stays enrolled but reports failure when pushConfig is missing', async () => {
    await setup(agentRoutes({ enroll: () => ok({ deviceId: 'd', token: 't' }) }));
    await expect(agent.enroll()).rejects.toBeInstanceOf(EnrollmentError);
    expect(agent.isEnrolled).toBe(true);
  });
});

describe('heartbeat', () => {
  it('sends the §4.1 body: alphabetical keys, Bearer token, never runningApps or signalStrength', async () => {
    await setup(agentRoutes());
    await agent.enroll();
    const result = await agent.heartbeat();
    expect(result).toMatchObject({ sent: true, status: 200, commands: [], refresh: null });

    const request = server.requests.at(-1)!;
    expect(headerLines(server.requests.length - 1)).toEqual([
      'Authorization: Bearer T1',
      'X-Openmdm-Protocol: 2',
      'Content-Type: application/json; charset=UTF-8',
      `Content-Length: ${Buffer.byteLength(request.body)}`,
      ...bridgeLines(server.port),
    ]);
    const body = JSON.parse(request.body) as Record<string, unknown>;
    const keys = Object.keys(body);
    expect(keys).toEqual([...keys].sort());
    expect(keys).not.toContain('runningApps');
    expect(keys).not.toContain('signalStrength');
    expect(body).toMatchObject({
      agentVersion: '1.0.0',
      deviceId: 'dev_1',
      policyVersion: '3',
      timestamp: '2025-01-15T10:30:00.123Z',
    });
    expect(request.body).toContain('"installedApps":[{"packageName":');
    expect(request.body).toMatch(/"memoryTotal":\d+,"memoryUsed":\d+/);
    const apps = body.installedApps as { packageName: string; version: string; versionCode: number }[];
    expect(apps).toContainEqual({ packageName: 'com.openmdm.agent', version: '1.0.0', versionCode: 1 });
    expect(apps.length).toBeGreaterThanOrEqual(40);
    for (const app of apps) expect(Object.keys(app)).toEqual(['packageName', 'version', 'versionCode']);
  });

  it('omits policyVersion while none is stored and stores policyUpdate.version as a string', async () => {
    let update: unknown = null;
    await setup(
      agentRoutes({
        enroll: () => enrollReply({ policyVersion: null }),
        heartbeat: () => ok({ success: true, pendingCommands: [], policyUpdate: update }),
      }),
    );
    await agent.enroll();
    expect(agent.state?.policyVersion).toBeNull();
    await agent.heartbeat();
    expect(server.requests.at(-1)!.body).not.toContain('policyVersion');

    update = { id: 'pol_1', name: 'Default', version: 4, settings: { heartbeatInterval: 30 } };
    await agent.heartbeat();
    expect(agent.state?.policyVersion).toBe('4');
    await agent.heartbeat();
    expect(server.requests.at(-1)!.body).toContain('"policyVersion":"4"');
  });

  it('does nothing while not enrolled', async () => {
    await setup(agentRoutes());
    await expect(agent.heartbeat()).resolves.toMatchObject({ sent: false });
    expect(server.requests).toHaveLength(0);
  });

  it('treats 404 and other errors as failures without touching the enrollment', async () => {
    await setup(
      agentRoutes({ heartbeat: () => ({ status: 404, body: { error: 'x', code: 'DEVICE_NOT_FOUND' } }) }),
    );
    await agent.enroll();
    await expect(agent.heartbeat()).resolves.toMatchObject({ status: 404, refresh: null });
    expect(agent.isEnrolled).toBe(true);
    expect(agent.counters.heartbeatsFailed).toBe(1);
  });

  it('stores "default" or "1" from the launcher one-shot heartbeat', async () => {
    let update: unknown = null;
    await setup(
      agentRoutes({
        enroll: () => enrollReply({ policyVersion: null }),
        heartbeat: () =>
          ok({
            success: true,
            pendingCommands: [{ id: 'ignored', type: 'lock', status: 'pending' }],
            policyUpdate: update,
          }),
      }),
    );
    await agent.enroll();
    await expect(agent.fetchInitialPolicy()).resolves.toBe('default');
    update = { id: 'p', name: 'P', settings: {} };
    await expect(agent.fetchInitialPolicy()).resolves.toBe('1');
    expect(agent.state?.policyVersion).toBe('1');
    expect(routes().filter((route) => route === 'ack')).toHaveLength(0);
  });
});

describe('token refresh', () => {
  it('refreshes on 401 with {"refreshToken"} and no Authorization, then uses the new token', async () => {
    let reauth = true;
    await setup(
      agentRoutes({
        enroll: () => enrollReply({ refreshToken: 'R1' }),
        heartbeat: () => (reauth ? fail('reauth') : ok({ success: true })),
        refresh: () => ok({ token: 'T2', refreshToken: 'R2', expiresAt: '2026-01-01T00:00:00.000Z' }),
      }),
    );
    await agent.enroll();
    const result = await agent.heartbeat();
    expect(result).toMatchObject({ status: 401, refresh: 'refreshed' });

    const refreshIndex = server.requests.findIndex((request) => routeOf(request) === 'refresh');
    expect(server.requests[refreshIndex]!.body).toBe('{"refreshToken":"R1"}');
    expect(headerLines(refreshIndex)).toEqual([
      'X-Openmdm-Protocol: 2',
      'Content-Type: application/json; charset=UTF-8',
      'Content-Length: 21',
      ...bridgeLines(server.port),
    ]);
    expect(agent.state).toMatchObject({ token: 'T2', refreshToken: 'R2' });

    reauth = false;
    await agent.heartbeat();
    expect(server.requests.at(-1)!.header('Authorization')).toBe('Bearer T2');
  });

  it.each([
    ['a reauth envelope', () => fail('reauth'), 1],
    ['an unenroll envelope', () => fail('unenroll'), 1],
    ['503 (after 3 attempts)', () => ({ status: 503, body: {} }), 3],
  ] satisfies [string, Handler, number][])(
    'clears the enrollment when the refresh gets %s',
    async (_, refresh, attempts) => {
      await setup(
        agentRoutes({
          enroll: () => enrollReply({ refreshToken: 'R1' }),
          heartbeat: () => fail('reauth'),
          refresh,
        }),
      );
      await agent.enroll();
      await expect(agent.heartbeat()).resolves.toMatchObject({ status: 401, refresh: 'cleared' });
      expect(routes().filter((route) => route === 'refresh')).toHaveLength(attempts);
      expect(agent.isEnrolled).toBe(false);
      await expect(agent.heartbeat()).resolves.toMatchObject({ sent: false });
    },
  );

  it('never refreshes without a refresh token (the reference server sends none)', async () => {
    await setup(agentRoutes({ heartbeat: () => fail('reauth') }));
    await agent.enroll();
    await expect(agent.heartbeat()).resolves.toMatchObject({ status: 401, refresh: 'no-refresh-token' });
    expect(routes()).not.toContain('refresh');
    expect(agent.isEnrolled).toBe(true);
  });
});

describe('commands', () => {
  it('acks a critical command once and a non-critical one three times, then completes each', async () => {
    const queue: unknown[] = [];
    await setup(agentRoutes({}, queue));
    await agent.enroll();
    queue.push(
      { id: 'c_lock', type: 'lock', payload: { message: 'ignored' }, status: 'pending', createdAt: 'x' },
      { id: 'c_loc', type: 'get_location', payload: null, status: 'pending', createdAt: 'x' },
      { id: 'c_sh', type: 'shell', payload: { command: 'id' }, status: 'pending', createdAt: 'x' },
    );
    const before = server.requests.length;
    const result = await agent.heartbeat();

    const sent = server.requests
      .slice(before + 1)
      .map((request) => `${routeOf(request)} ${request.path.split('/')[4]}`);
    expect(sent).toEqual([
      'ack c_lock',
      'complete c_lock',
      'ack c_loc',
      'ack c_sh',
      'ack c_loc',
      'ack c_loc',
      'complete c_loc',
      'ack c_sh',
      'ack c_sh',
      'complete c_sh',
    ]);
    expect(result.commands.map((command) => [command.id, command.acks, command.outcome])).toEqual([
      ['c_lock', 1, 'completed'],
      ['c_loc', 3, 'completed'],
      ['c_sh', 3, 'completed'],
    ]);

    const ack = server.requests[before + 1]!;
    expect(ack.raw.toString('utf8')).toBe(
      `POST /mdm/agent/commands/c_lock/ack HTTP/1.1\r\nAuthorization: Bearer T1\r\nX-Openmdm-Protocol: 2\r\nContent-Length: 0\r\n${bridgeLines(server.port).join('\r\n')}\r\n\r\n`,
    );
    const completes = server.requestsTo('/complete').map((request) => request.body);
    expect(completes[0]).toBe('{"message":"Device locked","success":true}');
    expect(completes[1]).toMatch(
      /^\{"data":\{"latitude":-?\d+\.\d+,"longitude":-?\d+\.\d+,"accuracy":\d+\.\d+,"altitude":-?\d+\.\d+,"timestamp":1736937000123\},"message":"Location retrieved","success":true\}$/,
    );
    expect(completes[2]).toBe(
      '{"data":{"exitCode":0},"message":"uid\\u003d1000(system) gid\\u003d1000(system)\\n","success":true}',
    );
    expect(agent.counters).toMatchObject({ commandsReceived: 3, acks: 7, completes: 3, completedSuccess: 3 });
  });

  it('executes a re-delivered command again with a single ack', async () => {
    const queue: unknown[] = [];
    await setup(agentRoutes({}, queue));
    await agent.enroll();
    const command = { id: 'c1', type: 'exitKiosk', payload: null, status: 'pending', createdAt: 'x' };
    queue.push(command);
    await agent.heartbeat();
    queue.push(command);
    const again = await agent.heartbeat();
    expect(again.commands[0]).toMatchObject({ acks: 1, outcome: 'completed' });
    expect(server.requestsTo('/complete')).toHaveLength(2);
  });

  it('reports handled-but-failed commands through /complete with success:false', async () => {
    const queue: unknown[] = [];
    await setup(agentRoutes({}, queue), { deviceOwner: false });
    await agent.enroll();
    queue.push(
      { id: 'u1', type: 'unenroll', payload: null },
      { id: 'u2', type: 'install_app', payload: { packageName: 'com.x' } },
      { id: 'u3', type: 'shell', payload: { command: 'id' } },
      { id: 'u4', type: 'shutdown', payload: null },
      { id: 'u5', type: 'enterKiosk', payload: { app: 'com.acme.pos' } },
      { id: 'u6', type: 'installApp', payload: { packageName: 'com.x', url: 'http://127.0.0.1:1/x.apk' } },
    );
    await agent.heartbeat();
    const bodies = Object.fromEntries(
      server.requestsTo('/complete').map((request) => [request.path.split('/')[4], request.body]),
    );
    expect(bodies).toEqual({
      u1: '{"message":"Unknown command type: unenroll (original: unenroll)","success":false}',
      u2: '{"message":"Invalid install parameters: packageName and url required","success":false}',
      u3: '{"message":"Shell command requires Device Owner permission","success":false}',
      u4: '{"message":"Shutdown not supported, use reboot instead","success":false}',
      u5: '{"message":"Package name required for kiosk mode","success":false}',
      u6: '{"message":"Silent install requires Device Owner","success":false}',
    });
    expect(server.requestsTo('/fail')).toHaveLength(0);
    expect(agent.counters.completedFailure).toBe(6);
  });

  it('suppresses the completion of any result containing "pending"', async () => {
    const queue: unknown[] = [];
    await setup(agentRoutes({}, queue));
    await agent.enroll();
    queue.push({ id: 's1', type: 'shell', payload: { command: 'echo still pending' } });
    const result = await agent.heartbeat();
    expect(result.commands[0]).toMatchObject({ outcome: 'pending', acks: 3 });
    expect(server.requestsTo('/complete')).toHaveLength(0);
  });

  it('percent-encodes the command id as one path segment', async () => {
    const queue: unknown[] = [];
    await setup(agentRoutes({}, queue));
    await agent.enroll();
    queue.push({ id: 'cmd/1 x', type: 'reboot', payload: null });
    await agent.heartbeat();
    expect(server.requestsTo('/ack')[0]!.path).toBe('/mdm/agent/commands/cmd%2F1%20x/ack');
  });

  it('runs a nested heartbeat for sync before completing it', async () => {
    const queue: unknown[] = [];
    await setup(agentRoutes({}, queue));
    await agent.enroll();
    queue.push({ id: 'y1', type: 'sync', payload: null });
    const before = server.requests.length;
    await agent.heartbeat();
    expect(server.requests.slice(before).map(routeOf)).toEqual([
      'heartbeat',
      'ack',
      'ack',
      'ack',
      'heartbeat',
      'complete',
    ]);
    expect(server.requestsTo('/complete')[0]!.body).toBe('{"message":"Sync completed","success":true}');
  });

  it('sends /fail with the exception message when /complete cannot be delivered', async () => {
    const queue: unknown[] = [];
    await setup(agentRoutes({ complete: () => ({ destroy: true }) }, queue));
    await agent.enroll();
    queue.push({ id: 'r1', type: 'reboot', payload: null });
    const result = await agent.heartbeat();
    // The first attempt fails on the connection the ack left in the pool, which OkHttp retries
    // transparently; then the retry interceptor's two further attempts.
    expect(server.requestsTo('/complete')).toHaveLength(4);
    expect(server.requestsTo('/fail').map((request) => request.body)).toEqual([
      `{"error":"${result.commands[0]!.error}"}`,
    ]);
    expect(result.commands[0]!.error).toMatch(/Connection reset|unexpected end of stream/);
  });

  it('wipes: one ack, a completion, then the device is gone', async () => {
    const queue: unknown[] = [];
    await setup(agentRoutes({}, queue));
    await agent.enroll();
    queue.push({ id: 'w1', type: 'wipe', payload: { preserveData: true } });
    await agent.heartbeat();
    expect(server.requestsTo('/ack')).toHaveLength(1);
    expect(server.requestsTo('/complete')[0]!.body).toBe(
      '{"message":"Device wipe initiated","success":true}',
    );
    expect(agent.wiped).toBe(true);
    expect(agent.isEnrolled).toBe(false);
  });
});

describe('silent install', () => {
  const apk = Buffer.from('PK\u0003\u0004 not really an apk');
  const apkSha = createHash('sha256').update(apk).digest('hex');

  function installServer(queue: unknown[], overrides: Parameters<typeof agentRoutes>[0] = {}): Handler {
    const routesHandler = agentRoutes(overrides, queue);
    return (request) => {
      if (request.path === '/files/scanner.apk') {
        return {
          status: 200,
          body: apk.toString('latin1'),
          headers: [['Content-Type', 'application/vnd.android.package-archive']],
        };
      }
      if (request.path === '/files/missing.apk') return { status: 404, body: 'no' };
      return routesHandler(request);
    };
  }

  it('acks ×3, downloads without auth, then completes asynchronously and posts the app_install event', async () => {
    const queue: unknown[] = [];
    await setup(installServer(queue));
    await agent.enroll();
    const url = `http://127.0.0.1:${server.port}/files/scanner.apk`;
    queue.push({
      id: 'i1',
      type: 'installApp',
      payload: {
        packageName: 'com.acme.scanner',
        url,
        expectedSha256: apkSha.toUpperCase(),
        version: '2.0.0',
        versionCode: 20,
      },
    });
    const result = await agent.heartbeat();
    expect(result.commands[0]).toMatchObject({ outcome: 'pending', acks: 3 });
    expect(result.commands[0]!.result?.message).toBe('App installation pending for com.acme.scanner');
    expect(server.requestsTo('/complete')).toHaveLength(0);

    const download = server.requests.find((request) => request.path === '/files/scanner.apk')!;
    expect(download.headers.map(([name]) => name)).toEqual([
      'Host',
      'Connection',
      'Accept-Encoding',
      'User-Agent',
    ]);
    expect(download.header('User-Agent')).toBe(
      `Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/${agent.profile.buildId})`,
    );

    await agent.idle();
    const tail = server.requests.slice(-2);
    expect(tail.map(routeOf)).toEqual(['complete', 'events']);
    expect(tail[0]!.body).toBe('{"message":"App com.acme.scanner installed successfully","success":true}');
    expect(tail[1]!.body).toBe(
      '{"payload":{"packageName":"com.acme.scanner","success":true,"message":"Installed successfully","timestamp":1736937000123},"timestamp":"2025-01-15T10:30:00.123Z","type":"app_install"}',
    );
    expect(tail[1]!.header('Authorization')).toBe('Bearer T1');

    await agent.heartbeat();
    expect(server.requests.at(-1)!.body).toContain(
      '{"packageName":"com.acme.scanner","version":"2.0.0","versionCode":20}',
    );
  });

  it('reports an installer failure through /fail and a failed event', async () => {
    const queue: unknown[] = [];
    await setup(installServer(queue), { installResult: () => 'storage' });
    await agent.enroll();
    queue.push({
      id: 'i2',
      type: 'update_app',
      payload: { packageName: 'com.acme.pos', url: `http://127.0.0.1:${server.port}/files/scanner.apk` },
    });
    const result = await agent.heartbeat();
    expect(result.commands[0]!.result?.message).toBe('App update pending for com.acme.pos');
    await agent.idle();
    expect(server.requestsTo('/fail').map((request) => request.body)).toEqual([
      '{"error":"Insufficient storage"}',
    ]);
    expect(server.requestsTo('/events')[0]!.body).toContain(
      '"success":false,"message":"Insufficient storage"',
    );
  });

  it('completes with success:false on a hash mismatch or a failed download, with no event', async () => {
    const queue: unknown[] = [];
    await setup(installServer(queue));
    await agent.enroll();
    const missing = `http://127.0.0.1:${server.port}/files/missing.apk`;
    queue.push(
      {
        id: 'h1',
        type: 'installApp',
        payload: {
          packageName: 'a.b',
          url: `http://127.0.0.1:${server.port}/files/scanner.apk`,
          sha256: '00'.repeat(32),
        },
      },
      { id: 'h2', type: 'installApp', payload: { packageName: 'a.c', url: missing } },
    );
    await agent.heartbeat();
    await agent.idle();
    const completes = server
      .requestsTo('/complete')
      .map((request) => JSON.parse(request.body) as { success: boolean; message: string });
    expect(completes[0]!.success).toBe(false);
    expect(completes[0]!.message).toContain(apkSha);
    expect(completes[1]).toEqual({ message: missing, success: false });
    expect(server.requestsTo('/events')).toHaveLength(0);
  });

  it('refreshes and retries the report once when it gets a 401', async () => {
    const queue: unknown[] = [];
    let completes = 0;
    await setup(
      installServer(queue, {
        enroll: () => enrollReply({ refreshToken: 'R1' }),
        complete: () => (++completes === 1 ? fail('reauth') : ok()),
        refresh: () => ok({ token: 'T9' }),
      }),
    );
    await agent.enroll();
    queue.push({
      id: 'i3',
      type: 'installApp',
      payload: { packageName: 'x.y', url: `http://127.0.0.1:${server.port}/files/scanner.apk` },
    });
    await agent.heartbeat();
    await agent.idle();
    expect(server.requests.slice(-4).map(routeOf)).toEqual(['complete', 'refresh', 'complete', 'events']);
    expect(server.requests.at(-2)!.header('Authorization')).toBe('Bearer T9');
  });
});

describe('poll loop', () => {
  it('heartbeats immediately and then every interval until stopped', async () => {
    await setup(agentRoutes(), { heartbeatIntervalMs: 20 });
    await agent.enroll();
    agent.start();
    await new Promise((resolve) => setTimeout(resolve, 110));
    await agent.stop();
    const beats = server.requestsTo('/heartbeat').length;
    expect(beats).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(server.requestsTo('/heartbeat')).toHaveLength(beats);
  });

  it('adds the WorkManager heartbeat at service start', async () => {
    await setup(agentRoutes(), { heartbeatIntervalMs: 10_000, workManager: true });
    await agent.enroll();
    agent.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await agent.stop();
    expect(server.requestsTo('/heartbeat')).toHaveLength(2);
  });
});
