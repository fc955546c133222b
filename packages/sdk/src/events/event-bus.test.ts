import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MDMInstance } from '../create-mdm.js';
import type { AnyMDMEvent } from '../domain/event.js';
import type { Logger } from '../logger.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';

function recordingLogger(): Logger & { errors: { obj: object; msg?: string }[] } {
  const errors: { obj: object; msg?: string }[] = [];
  const logger = {
    errors,
    debug() {},
    info() {},
    warn() {},
    error(obj: object, msg?: string) {
      errors.push({ obj, ...(msg ? { msg } : {}) });
    },
    child: () => logger,
  };
  return logger;
}

describe('event log and bus', () => {
  let t: TestMDM;
  let mdm: MDMInstance;
  const logger = recordingLogger();

  beforeAll(async () => {
    t = await createTestMDM('postgres', { logger });
    mdm = t.mdm;
  });
  afterAll(() => t.cleanup());

  it('stores events with monotonic ids before handlers see them', async () => {
    const seen: AnyMDMEvent[] = [];
    const off = mdm.on('*', (e) => {
      seen.push(e);
    });
    const device = await mdm.devices.create({ model: 'Bus' });
    await mdm.devices.update(device.id, { name: 'Renamed' });
    off();
    await mdm.devices.update(device.id, { name: 'After off' });
    expect(seen.map((e) => e.type)).toEqual(['device.enrolled', 'device.updated']);
    expect(BigInt(seen[1]!.id)).toBeGreaterThan(BigInt(seen[0]!.id));
    const stored = await mdm.events({ deviceId: device.id });
    expect(stored.map((e) => e.id)).toEqual([seen[0]!.id, seen[1]!.id, stored[2]!.id]);
    expect(stored[1]!.payload).toEqual({ deviceId: device.id, changes: ['name'] });
  });

  it('isolates and logs failing handlers', async () => {
    const received: string[] = [];
    const offs = [
      mdm.on('policy.created', () => {
        throw new Error('sync boom');
      }),
      mdm.on('policy.created', async () => {
        throw new Error('async boom');
      }),
      mdm.on('policy.created', (e) => {
        received.push(e.payload.name);
      }),
    ];
    const policy = await mdm.policies.create({ name: 'Survives' });
    await new Promise((r) => setTimeout(r, 10));
    for (const off of offs) off();
    expect(policy.version).toBe(1);
    expect(received).toEqual(['Survives']);
    expect(logger.errors.map((e) => (e.obj as { err: Error }).err.message).sort()).toEqual([
      'async boom',
      'sync boom',
    ]);
  });

  it('emit appends an event and delivers it', async () => {
    const got: string[] = [];
    const off = mdm.on('device.event', (e) => {
      got.push(e.payload.type);
    });
    const device = await mdm.devices.create({ model: 'Emit' });
    const stored = await mdm.emit(
      'device.event',
      { deviceId: device.id, type: 'custom', payload: { a: 1 } },
      { deviceId: device.id },
    );
    off();
    expect(stored.type).toBe('device.event');
    expect(got).toEqual(['custom']);
    expect((await mdm.events({ afterId: String(BigInt(stored.id) - 1n), limit: 1 }))[0]?.id).toBe(stored.id);
  });

  it('does not store or dispatch events of a transaction that rolled back', async () => {
    const seen: string[] = [];
    const off = mdm.on('*', (e) => {
      seen.push(e.type);
    });
    const before = await mdm.events({ order: 'desc', limit: 1 });
    await expect(mdm.devices.setGroups('dev_unknown', [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const device = await mdm.devices.create({ model: 'Rollback' });
    seen.length = 0;
    await expect(mdm.devices.setGroups(device.id, ['grp_nope'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    off();
    expect(seen).toEqual([]);
    const after = await mdm.events({ afterId: before[0]!.id });
    expect(after.map((e) => e.type)).toEqual(['device.enrolled']);
  });
});
