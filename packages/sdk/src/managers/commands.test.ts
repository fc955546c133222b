import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MDMInstance } from '../create-mdm.js';
import { commands } from '../db/schema/index.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';

async function eventTypes(mdm: MDMInstance, commandId: string): Promise<string[]> {
  return (await mdm.events({ commandId, limit: 100 })).map((e) => e.type);
}

describe.each(['postgres', 'pglite'] as const)('command state machine on %s', (driver) => {
  let t: TestMDM;
  let mdm: MDMInstance;
  let deviceId: string;
  let otherDeviceId: string;

  beforeAll(async () => {
    // the expiry job would race the explicit expireDue() below
    t = await createTestMDM(driver, { jobs: { enabled: false } });
    mdm = t.mdm;
    deviceId = (await mdm.devices.create({ model: 'Pixel 7' })).id;
    otherDeviceId = (await mdm.devices.create({ model: 'Pixel 8' })).id;
  });
  afterAll(() => t.cleanup());

  it('walks pending → sent → acknowledged → completed, appending one event per transition', async () => {
    const cmd = await mdm.commands.send(deviceId, { type: 'reboot' });
    expect(cmd.status).toBe('pending');
    const delivered = await mdm.commands.takeForDelivery(deviceId);
    expect(delivered.map((c) => c.id)).toContain(cmd.id);
    expect(delivered.find((c) => c.id === cmd.id)?.status).toBe('sent');
    const acked = await mdm.commands.acknowledge(cmd.id, { deviceId });
    expect(acked.status).toBe('acknowledged');
    const done = await mdm.commands.complete(
      cmd.id,
      { success: true, message: 'Device rebooting' },
      { deviceId },
    );
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ success: true, message: 'Device rebooting' });
    expect(await eventTypes(mdm, cmd.id)).toEqual([
      'command.created',
      'command.sent',
      'command.acknowledged',
      'command.completed',
    ]);
  });

  it('marks a whole push batch sent at once, leaving commands no longer pending as they are', async () => {
    const [a, b, cancelled, delivered] = await Promise.all(
      [1, 2, 3, 4].map(() => mdm.commands.send(otherDeviceId, { type: 'sync' })),
    );
    await mdm.commands.cancel(cancelled!.id);
    await mdm.commands.markSent(delivered!.id);
    const marked = await mdm.commands.markSentMany([a!.id, b!.id, cancelled!.id, delivered!.id, 'cmd_none']);
    expect(marked.map((c) => c.id).sort()).toEqual([a!.id, b!.id].sort());
    expect(marked.every((c) => c.status === 'sent' && c.sentAt !== null)).toBe(true);
    expect((await mdm.commands.get(cancelled!.id)).status).toBe('cancelled');
    for (const id of [a!.id, b!.id, delivered!.id]) {
      expect(await eventTypes(mdm, id)).toEqual(['command.created', 'command.sent']);
    }
    const sent = await mdm.events({ commandId: a!.id, types: ['command.sent'] });
    expect(sent[0]!.payload).toMatchObject({ via: 'push', deviceId: otherDeviceId });
    expect(await mdm.commands.markSentMany([])).toEqual([]);
  });

  it('treats repeated acknowledgements and completions as no-ops', async () => {
    const cmd = await mdm.commands.send(deviceId, { type: 'sync' });
    await mdm.commands.takeForDelivery(deviceId);
    for (let i = 0; i < 3; i++) await mdm.commands.acknowledge(cmd.id, { deviceId });
    await mdm.commands.complete(cmd.id, { success: true, message: 'Sync completed' }, { deviceId });
    const again = await mdm.commands.complete(
      cmd.id,
      { success: true, message: 'Sync completed' },
      { deviceId },
    );
    expect(again.status).toBe('completed');
    // a late duplicate ack after completion changes nothing either
    expect((await mdm.commands.acknowledge(cmd.id, { deviceId })).status).toBe('completed');
    const types = await eventTypes(mdm, cmd.id);
    expect(types.filter((x) => x === 'command.acknowledged')).toHaveLength(1);
    expect(types.filter((x) => x === 'command.completed')).toHaveLength(1);
  });

  it('records success:false as a completed command with a failed result', async () => {
    const cmd = await mdm.commands.send(deviceId, { type: 'shutdown' });
    const done = await mdm.commands.complete(
      cmd.id,
      { success: false, message: 'Shutdown not supported, use reboot instead' },
      { deviceId },
    );
    expect(done.status).toBe('completed');
    expect(done.result?.success).toBe(false);
  });

  it('refuses transitions the current state does not allow with INVALID_TRANSITION', async () => {
    const cmd = await mdm.commands.send(deviceId, { type: 'lock', payload: { message: 'x' } });
    await mdm.commands.complete(cmd.id, { success: true, message: 'Device locked' });
    await expect(mdm.commands.fail(cmd.id, 'late')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(mdm.commands.cancel(cmd.id)).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { from: 'completed', to: 'cancelled' },
    });
  });

  it('cancels only until the device acknowledges', async () => {
    const a = await mdm.commands.send(deviceId, { type: 'sync' });
    expect((await mdm.commands.cancel(a.id, 'changed my mind')).status).toBe('cancelled');
    // a cancelled command is no longer delivered and cannot be acknowledged
    expect((await mdm.commands.takeForDelivery(deviceId)).map((c) => c.id)).not.toContain(a.id);
    await expect(mdm.commands.acknowledge(a.id, { deviceId })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    });

    const b = await mdm.commands.send(deviceId, { type: 'sync' });
    await mdm.commands.acknowledge(b.id, { deviceId });
    await expect(mdm.commands.cancel(b.id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('expires commands whose time-to-live passed, and never delivers them', async () => {
    const cmd = await mdm.commands.send(deviceId, { type: 'sync', ttlSeconds: 3600 });
    await mdm.database.db
      .update(commands)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(sql`${commands.id} = ${cmd.id}`);
    expect((await mdm.commands.takeForDelivery(deviceId)).map((c) => c.id)).not.toContain(cmd.id);
    expect(await mdm.commands.expireDue()).toBeGreaterThanOrEqual(1);
    expect((await mdm.commands.get(cmd.id)).status).toBe('expired');
    expect(await eventTypes(mdm, cmd.id)).toContain('command.expired');
    await expect(mdm.commands.acknowledge(cmd.id, { deviceId })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    });
  });

  it('returns the first command for a repeated idempotency key, and refuses the key for another command', async () => {
    const first = await mdm.commands.send(deviceId, { type: 'lock', payload: {}, idempotencyKey: 'lock-1' });
    const again = await mdm.commands.send(deviceId, { type: 'lock', payload: {}, idempotencyKey: 'lock-1' });
    expect(again.id).toBe(first.id);
    await expect(
      mdm.commands.send(deviceId, { type: 'reboot', idempotencyKey: 'lock-1' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    // keys are per device
    const other = await mdm.commands.send(otherDeviceId, {
      type: 'lock',
      payload: {},
      idempotencyKey: 'lock-1',
    });
    expect(other.id).not.toBe(first.id);
    expect((await eventTypes(mdm, first.id)).filter((x) => x === 'command.created')).toHaveLength(1);
  });

  it("hides another device's commands behind NOT_FOUND", async () => {
    const cmd = await mdm.commands.send(otherDeviceId, { type: 'sync' });
    await expect(mdm.commands.acknowledge(cmd.id, { deviceId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(mdm.commands.complete(cmd.id, { success: true }, { deviceId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await mdm.commands.get(cmd.id)).status).toBe('pending');
  });

  it('validates the payload of each command type with field paths', async () => {
    await expect(
      mdm.commands.send(deviceId, { type: 'installApp', payload: { packageName: 'com.x.y' } as never }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      issues: [expect.objectContaining({ path: ['payload', 'url'] })],
    });
    await expect(
      mdm.commands.send(deviceId, { type: 'configureWifi', payload: { ssid: 'Office', pass: 'x' } as never }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(mdm.commands.send(deviceId, { type: 'selfDestruct' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    const ok = await mdm.commands.send(deviceId, {
      type: 'installApp',
      payload: {
        packageName: 'com.example.app',
        url: 'https://apps.example.com/app.apk',
        sha256: 'a'.repeat(64),
      },
    });
    expect(ok.payload).toEqual({
      packageName: 'com.example.app',
      url: 'https://apps.example.com/app.apk',
      sha256: 'a'.repeat(64),
    });
  });

  it('refuses commands for blocked devices and unknown devices', async () => {
    const d = await mdm.devices.create({ model: 'Blocked' });
    await mdm.devices.block(d.id, 'lost');
    await expect(mdm.commands.send(d.id, { type: 'sync' })).rejects.toMatchObject({
      code: 'DEVICE_NOT_ACTIVE',
    });
    await expect(mdm.commands.send('dev_missing', { type: 'sync' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('lists commands newest first with keyset pagination and filters', async () => {
    const d = (await mdm.devices.create({ model: 'Lister' })).id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await mdm.commands.send(d, { type: 'sync' })).id);
    await mdm.commands.cancel(ids[0]!);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await mdm.commands.list({ deviceId: d, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const cancelled = await mdm.commands.list({ deviceId: d, status: ['cancelled'] });
    expect(cancelled.items.map((c) => c.id)).toEqual([ids[0]]);
  });
});
