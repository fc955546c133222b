import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/helpers/webhook-receiver.js';
import { commands, devices } from '../db/schema/index.js';
import { createTestMDM, RecordingPushAdapter, type TestMDM } from '../testing/index.js';

describe('push dispatcher', () => {
  const push = new RecordingPushAdapter({ provider: 'fcm' });
  let t: TestMDM;

  beforeAll(async () => {
    t = await createTestMDM('postgres', {
      push,
      pushDispatch: {
        retryBaseDelayMs: 40,
        retryMaxDelayMs: 200,
        maxAttempts: 3,
        policyWakeUps: { coalesceMs: 300 },
      },
      jobs: { enabled: false },
    });
  });
  afterAll(() => t.cleanup());
  beforeEach(() => push.reset());

  async function device(name: string, token: string | null = `tok-${name}`) {
    const created = await t.mdm.devices.create({ name });
    if (token) {
      await t.mdm.database.db
        .update(devices)
        .set({ pushProvider: 'fcm', pushToken: token })
        .where(eq(devices.id, created.id));
    }
    return created;
  }

  async function pushState(commandId: string) {
    const [row] = await t.mdm.database.db
      .select({
        status: commands.status,
        attempts: commands.pushAttempts,
        nextPushAt: commands.nextPushAt,
        lastPushError: commands.lastPushError,
      })
      .from(commands)
      .where(eq(commands.id, commandId));
    return row!;
  }

  it('pushes a new command at once and marks it sent only when the adapter accepted it', async () => {
    const d = await device('accepted');
    const command = await t.mdm.devices.sync(d.id);
    expect(command.status).toBe('pending');
    await eventually(async () => (await t.mdm.commands.get(command.id)).status === 'sent');
    expect(push.to(d.id)).toHaveLength(1);
    expect(push.to(d.id)[0]).toMatchObject({
      target: { deviceId: d.id, provider: 'fcm', token: 'tok-accepted' },
      message: { type: 'command', priority: 'normal', commandId: command.id },
    });
    const sent = await t.mdm.events({ commandId: command.id, types: ['command.sent'] });
    expect(sent.map((e) => e.payload)).toEqual([expect.objectContaining({ via: 'push' })]);
    expect(await pushState(command.id)).toMatchObject({ attempts: 1, nextPushAt: null });
  });

  it('wakes urgent commands with high priority', async () => {
    const d = await device('urgent');
    const command = await t.mdm.devices.lock(d.id, 'lost');
    await eventually(() => push.to(d.id).length === 1);
    expect(push.to(d.id)[0]!.message).toMatchObject({ priority: 'high', commandId: command.id });
  });

  it('leaves a command pending after a transient failure and retries with backoff until it is accepted', async () => {
    const d = await device('flaky');
    let calls = 0;
    push.respond(() => {
      calls++;
      return calls < 3
        ? { deviceId: d.id, ok: false, reason: 'transient', error: 'quota exceeded' }
        : { deviceId: d.id, ok: true };
    }, d.id);
    const command = await t.mdm.devices.sync(d.id);
    await eventually(async () => (await pushState(command.id)).lastPushError !== null);
    const failed = await pushState(command.id);
    expect(failed).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastPushError: 'transient: quota exceeded',
    });
    expect(failed.nextPushAt!.getTime()).toBeGreaterThan(Date.now() - 1000);
    // The push-retry job (run by hand here) picks it up once due.
    await eventually(async () => {
      await t.mdm.jobs.runOnce('push.retry');
      return (await t.mdm.commands.get(command.id)).status === 'sent';
    });
    expect(calls).toBe(3);
    const attempts = push.to(d.id).map((p) => p.at);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(15);
  });

  it('stops pushing after maxAttempts or a permanent refusal; the heartbeat still delivers', async () => {
    const d = await device('down');
    push.respond({ deviceId: d.id, ok: false, reason: 'transient', error: 'unavailable' }, d.id);
    const command = await t.mdm.devices.sync(d.id);
    await eventually(async () => {
      await t.mdm.jobs.runOnce('push.retry');
      const state = await pushState(command.id);
      return state.attempts === 3 && state.nextPushAt === null;
    });
    await t.mdm.jobs.runOnce('push.retry');
    expect(push.to(d.id)).toHaveLength(3);
    const [taken] = await t.mdm.commands.takeForDelivery(d.id);
    expect(taken!.id).toBe(command.id);
    await t.mdm.commands.acknowledge(command.id, { deviceId: d.id });
    await t.mdm.commands.complete(command.id, { success: true }, { deviceId: d.id });
    expect((await t.mdm.commands.get(command.id)).status).toBe('completed');
  });

  it('forgets a token the push service rejects and records it; no_target stops pushing', async () => {
    const d = await device('stale');
    push.respond({ deviceId: d.id, ok: false, reason: 'invalid_token', error: 'UNREGISTERED' }, d.id);
    const command = await t.mdm.devices.sync(d.id);
    await eventually(async () => (await t.mdm.devices.get(d.id)).hasPushToken === false);
    const device2 = await t.mdm.devices.get(d.id);
    expect(device2.pushProvider).toBeNull();
    const removed = await t.mdm.events({ deviceId: d.id, types: ['device.pushTokenRemoved'] });
    expect(removed).toHaveLength(1);
    expect(removed[0]!.payload).toMatchObject({
      provider: 'fcm',
      reason: expect.stringContaining('UNREGISTERED'),
    });
    await eventually(async () => (await pushState(command.id)).lastPushError !== null);
    expect(await pushState(command.id)).toMatchObject({ status: 'pending', nextPushAt: null });

    const none = await device('tokenless', null);
    push.respond(
      (target) => ({ deviceId: target.deviceId, ok: false, reason: 'no_target', error: 'no token' }),
      none.id,
    );
    const second = await t.mdm.devices.sync(none.id);
    await eventually(async () => (await pushState(second.id)).lastPushError === 'no_target: no token');
    expect(await pushState(second.id)).toMatchObject({ status: 'pending', nextPushAt: null });
  });

  it('treats an adapter that throws as a transient failure', async () => {
    const d = await device('throws');
    push.fail(new Error('socket hang up'));
    const command = await t.mdm.devices.sync(d.id);
    await eventually(async () => (await pushState(command.id)).lastPushError === 'transient: socket hang up');
    push.fail(null);
    await eventually(async () => {
      await t.mdm.jobs.runOnce('push.retry');
      return (await t.mdm.commands.get(command.id)).status === 'sent';
    });
  });

  it('wakes the devices a policy change affects, once each', async () => {
    const policy = await t.mdm.policies.create({ name: 'fleet', settings: { heartbeatInterval: 60 } });
    const parent = await t.mdm.groups.create({ name: 'parent', policyId: policy.id });
    const child = await t.mdm.groups.create({ name: 'child', parentId: parent.id });
    const inParent = await device('in-parent');
    const inChild = await device('in-child');
    const direct = await device('direct');
    const other = await device('other');
    await t.mdm.devices.addToGroup(inParent.id, parent.id);
    await t.mdm.devices.addToGroup(inChild.id, child.id);
    await t.mdm.devices.assignPolicy(direct.id, policy.id);
    await eventually(() => push.sent.length >= 3);
    await t.mdm.push!.idle();
    push.reset();

    await t.mdm.policies.update(policy.id, { settings: { heartbeatInterval: 120 } });
    await t.mdm.policies.update(policy.id, { settings: { heartbeatInterval: 90 } });
    await t.mdm.policies.update(policy.id, { name: 'renamed' });
    await eventually(() => push.sent.length >= 3);
    await t.mdm.push!.idle();
    expect(push.sent.map((p) => p.target.deviceId).sort()).toEqual(
      [inParent.id, inChild.id, direct.id].sort(),
    );
    expect(push.sent.every((p) => p.message.type === 'policy' && p.message.priority === 'normal')).toBe(true);
    expect(push.to(other.id)).toHaveLength(0);

    push.reset();
    await t.mdm.policies.rollback(policy.id, 1);
    await t.mdm.groups.update(child.id, { priority: 5 });
    await eventually(() => push.sent.length >= 3);
    await t.mdm.push!.idle();
    expect(new Set(push.sent.map((p) => p.target.deviceId)).size).toBe(push.sent.length);
  });

  it('rate limits wake-ups for large groups', async () => {
    const limited = await createTestMDM('postgres', {
      push,
      pushDispatch: { policyWakeUps: { coalesceMs: 10, maxPerSecond: 2 } },
      jobs: { enabled: false },
    });
    try {
      const group = await limited.mdm.groups.create({ name: 'big' });
      const policy = await limited.mdm.policies.create({ name: 'p' });
      for (let i = 0; i < 5; i++) {
        const d = await limited.mdm.devices.create({ name: `m${i}` });
        await limited.mdm.devices.addToGroup(d.id, group.id);
      }
      await limited.mdm.push!.idle();
      push.reset();
      await limited.mdm.groups.update(group.id, { policyId: policy.id });
      await eventually(() => push.sent.length === 5, 10_000);
      const times = push.sent.map((p) => p.at);
      expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(900);
      expect(times[4]! - times[2]!).toBeGreaterThanOrEqual(900);
    } finally {
      await limited.cleanup();
    }
  });
});
