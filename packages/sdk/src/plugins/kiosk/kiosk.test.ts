import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/helpers/webhook-receiver.js';
import { createMDM, type MDMInstance } from '../../create-mdm.js';
import { postgresAdapter } from '../../db/drizzle/node-postgres.js';
import { createTestMDM, type TestMDM } from '../../testing/index.js';
import { KIOSK_ERROR_CODES, kiosk, kioskPlugin } from './index.js';

const POS = 'com.acme.pos';
const HELP = 'com.acme.help';
const exitPassword = 'letmeout';

describe('kiosk plugin', () => {
  let t: TestMDM;
  let mdm: MDMInstance;

  beforeAll(async () => {
    t = await createTestMDM('postgres', {
      plugins: [
        kioskPlugin({
          exitPassword,
          maxExitAttempts: 3,
          lockoutSeconds: 600,
          relaunch: { minIntervalSeconds: 1 },
        }),
      ],
      jobs: { enabled: false },
    });
    mdm = t.mdm;
  });
  afterAll(() => t.cleanup());

  async function kioskDevice(name: string) {
    const policy = await mdm.policies.create({
      name: `kiosk-${name}`,
      settings: { kioskMode: true, mainApp: POS, kioskPackages: [HELP] },
    });
    const device = await mdm.devices.create({ name, policyId: policy.id });
    return { device, policy };
  }

  it('validates its options and the kiosk settings of policies', async () => {
    expect(() => kioskPlugin({ exitPassword: 'abc' })).toThrow(
      /kioskPlugin options: exitPassword must be at least 4/,
    );
    expect(() => kioskPlugin({ maxExitAttempts: 0 })).toThrow(/maxExitAttempts/);
    expect(() => kioskPlugin({ relaunch: { minIntervalSeconds: -1 } } as never)).toThrow(
      /relaunch\.minIntervalSeconds/,
    );
    await expect(
      mdm.policies.create({ name: 'broken', settings: { kioskMode: true } }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      issues: [
        { path: ['settings', 'mainApp'], message: 'kioskMode needs mainApp, the app the kiosk shows' },
      ],
    });
    await expect(
      mdm.policies.create({
        name: 'blocked',
        settings: { kioskMode: true, mainApp: POS, blockedApps: [POS] },
      }),
    ).rejects.toThrow(/com\.acme\.pos is a kiosk app and also in blockedApps at settings\.mainApp/);
  });

  it('enters kiosk mode with the packageName the agent reads, from the policy mainApp by default', async () => {
    const { device } = await kioskDevice('enter');
    const { command, state } = await kiosk(mdm).enter(device.id);
    expect(command).toMatchObject({ type: 'enterKiosk', payload: { packageName: POS } });
    expect(state).toMatchObject({ active: true, packageName: POS, source: 'admin', confirmed: false });
    const viaOp = await mdm.plugins.call<{ command: { payload: unknown } }>('kiosk', 'enter', {
      deviceId: device.id,
      packageName: HELP,
    });
    expect(viaOp.command.payload).toEqual({ packageName: HELP });
    await expect(
      mdm.plugins.call('kiosk', 'enter', { deviceId: device.id, packageName: 'not a package' }),
    ).rejects.toThrow(/Android package name/);
    const plain = await mdm.devices.create({ name: 'no-policy' });
    await expect(kiosk(mdm).enter(plain.id)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      issues: [{ code: KIOSK_ERROR_CODES.NO_PACKAGE }],
    });
    const entered = await mdm.events({ deviceId: device.id, types: ['kiosk.entered'] });
    expect(entered.map((e) => e.payload)).toEqual([
      expect.objectContaining({ packageName: POS, commandId: command.id }),
      expect.objectContaining({ packageName: HELP }),
    ]);
  });

  it('records whether the agent carried out the enter command', async () => {
    const { device } = await kioskDevice('confirm');
    const { command } = await kiosk(mdm).enter(device.id);
    await mdm.commands.acknowledge(command.id, { deviceId: device.id });
    await mdm.commands.complete(
      command.id,
      { success: true, message: `Kiosk mode enabled for ${POS}` },
      { deviceId: device.id },
    );
    await eventually(async () => (await kiosk(mdm).status(device.id)).confirmed);
    const failing = await kioskDevice('refused');
    const second = await kiosk(mdm).enter(failing.device.id);
    await mdm.commands.complete(second.command.id, {
      success: false,
      message: 'Package name required for kiosk mode',
    });
    await eventually(
      async () =>
        (await kiosk(mdm).status(failing.device.id)).lastError === 'Package name required for kiosk mode',
    );
  });

  it('relaunches the kiosk app when a heartbeat shows another app in front, only when runningApps is reported', async () => {
    const { device } = await kioskDevice('relaunch');
    const heartbeat = (runningApps?: string[]) =>
      mdm.processHeartbeat(device.id, { batteryLevel: 50, ...(runningApps && { runningApps }) });
    const runApps = (response: Awaited<ReturnType<typeof heartbeat>>) =>
      response.pendingCommands.filter((c) => c.type === 'runApp');

    expect(runApps(await heartbeat())).toHaveLength(0);
    expect(runApps(await heartbeat([POS, 'com.android.systemui']))).toHaveLength(0);
    expect(runApps(await heartbeat([HELP]))).toHaveLength(0);
    const relaunched = runApps(await heartbeat(['com.android.settings', POS]));
    expect(relaunched).toEqual([expect.objectContaining({ type: 'runApp', payload: { packageName: POS } })]);
    // The runApp is still open: no second one while it is.
    expect(runApps(await heartbeat(['com.android.settings'])).map((c) => c.id)).toEqual([relaunched[0]!.id]);
    await mdm.commands.complete(
      relaunched[0]!.id,
      { success: true, message: `App ${POS} launched` },
      { deviceId: device.id },
    );
    expect(runApps(await heartbeat(['com.android.settings']))).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    const again = runApps(await heartbeat(['com.android.settings']));
    expect(again).toHaveLength(1);
    await mdm.commands.complete(again[0]!.id, { success: true }, { deviceId: device.id });
    const state = await kiosk(mdm).status(device.id);
    expect(state).toMatchObject({ relaunchCount: 2, expectedPackage: POS });
    const requested = await mdm.events({ deviceId: device.id, types: ['kiosk.relaunchRequested'] });
    expect(requested[0]!.payload).toEqual({
      deviceId: device.id,
      packageName: POS,
      foreground: 'com.android.settings',
    });

    await kiosk(mdm).exit(device.id);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect(runApps(await heartbeat(['com.android.settings']))).toHaveLength(0);
  });

  it('counts wrong exit passwords, locks out, and exits with the right one', async () => {
    const { device } = await kioskDevice('password');
    await kiosk(mdm).enter(device.id);
    const attempt = (password: string) => kiosk(mdm).attemptExit(device.id, password);
    expect(await attempt('nope')).toMatchObject({ ok: false, reason: 'invalid_password', attemptsLeft: 2 });
    expect(await attempt('nope')).toMatchObject({ ok: false, reason: 'invalid_password', attemptsLeft: 1 });
    const locked = await attempt('nope');
    expect(locked).toMatchObject({ ok: false, reason: 'locked_out', code: KIOSK_ERROR_CODES.LOCKED_OUT });
    expect(locked.ok === false && locked.reason === 'locked_out' && locked.retryAfterSeconds).toBeGreaterThan(
      590,
    );
    expect(await attempt(exitPassword)).toMatchObject({ ok: false, reason: 'locked_out' });

    const route = mdm.agentRoutes.match('POST', '/kiosk/exit')!;
    const post = (password: string) =>
      route.handle({
        request: new Request('http://host/mdm/agent/kiosk/exit', {
          method: 'POST',
          body: JSON.stringify({ password }),
        }),
        deviceId: device.id,
      });
    const refused = await post(exitPassword);
    expect(refused.status).toBe(423);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    await mdm.plugins.call('kiosk', 'unlock', { deviceId: device.id });
    const wrong = await post('guess');
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({
      code: KIOSK_ERROR_CODES.EXIT_PASSWORD_INVALID,
      attemptsLeft: 2,
    });
    const ok = await post(exitPassword);
    expect(ok.status).toBe(200);
    const { commandId } = (await ok.json()) as { commandId: string };
    expect(await mdm.commands.get(commandId)).toMatchObject({ type: 'exitKiosk', payload: {} });
    expect(await kiosk(mdm).status(device.id)).toMatchObject({
      active: false,
      failedExitAttempts: 0,
      lockedUntil: null,
    });
    const types = (
      await mdm.events({
        deviceId: device.id,
        types: ['kiosk.exitDenied', 'kiosk.lockedOut', 'kiosk.exited'],
      })
    ).map((e) => e.type);
    expect(types).toEqual([
      'kiosk.exitDenied',
      'kiosk.exitDenied',
      'kiosk.lockedOut',
      'kiosk.exitDenied',
      'kiosk.exited',
    ]);

    await mdm.plugins.call('kiosk', 'setExitPassword', { deviceId: device.id, password: 'per-device' });
    await kiosk(mdm).enter(device.id);
    expect(await attempt(exitPassword)).toMatchObject({ ok: false, reason: 'invalid_password' });
    expect(await attempt('per-device')).toMatchObject({ ok: true });
  });

  it('follows the policy: a device that applies a kiosk policy enters kiosk mode', async () => {
    const { device, policy } = await kioskDevice('follow');
    await mdm.emit(
      'policy.applied',
      { deviceId: device.id, policyId: policy.id, version: 1, reported: '1' },
      { deviceId: device.id },
    );
    await eventually(async () => (await kiosk(mdm).status(device.id)).active);
    expect(await kiosk(mdm).status(device.id)).toMatchObject({ source: 'policy', packageName: POS });
    await mdm.policies.update(policy.id, { settings: { kioskMode: false } });
    await mdm.emit(
      'policy.applied',
      { deviceId: device.id, policyId: policy.id, version: 2, reported: '2' },
      { deviceId: device.id },
    );
    await eventually(async () => !(await kiosk(mdm).status(device.id)).active);
    const commands = await mdm.commands.list({ deviceId: device.id });
    expect(commands.items.map((c) => c.type).sort()).toEqual(['enterKiosk', 'exitKiosk']);
  });

  it('keeps its state across a restart', async () => {
    const { device } = await kioskDevice('restart');
    await kiosk(mdm).enter(device.id);
    for (let i = 0; i < 3; i++) await kiosk(mdm).attemptExit(device.id, 'wrong');
    const before = await kiosk(mdm).status(device.id);
    expect(before.lockedUntil).not.toBeNull();

    const restarted = createMDM({
      database: postgresAdapter(t.database.url!),
      plugins: [kioskPlugin({ exitPassword, maxExitAttempts: 3, lockoutSeconds: 600 })],
      jobs: { enabled: false },
    });
    try {
      await restarted.ready();
      expect(await kiosk(restarted).status(device.id)).toEqual(before);
      expect(await kiosk(restarted).attemptExit(device.id, exitPassword)).toMatchObject({
        reason: 'locked_out',
      });
    } finally {
      await restarted.close();
    }
    expect(() => kiosk(createMDM({ database: t.mdm.database }))).toThrow(/kiosk plugin is not installed/);
  });
});
