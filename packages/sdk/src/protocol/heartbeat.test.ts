import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heartbeatBody, hmacEnrollment } from '../../test/agent-fixtures.js';
import type { MDMInstance } from '../create-mdm.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';

describe.each(['postgres', 'pglite'] as const)('heartbeat on %s', (driver) => {
  let t: TestMDM;
  let mdm: MDMInstance;
  let fleetPolicy: string;
  beforeAll(async () => {
    t = await createTestMDM(driver);
    mdm = t.mdm;
    fleetPolicy = (
      await mdm.policies.create({ name: 'Fleet', settings: { disallowCamera: true }, isDefault: true })
    ).id;
  });
  afterAll(() => t.cleanup());

  it('stores telemetry and last-seen, and writes the app inventory only when it changed', async () => {
    const { deviceId } = await mdm.enroll(hmacEnrollment());
    await mdm.processHeartbeat(deviceId, heartbeatBody({ batteryLevel: 42, unknownNewKey: { x: 1 } }));
    let device = await mdm.devices.get(deviceId);
    expect(device.telemetry?.battery.level).toBe(42);
    // Stored as a JSON object, so SQL can reach into it (not as a string holding JSON).
    const stored = await mdm.database.db.execute(
      sql`select jsonb_typeof(telemetry) as kind, telemetry->'battery'->>'level' as level from mdm_devices where id = ${deviceId}`,
    );
    expect((stored as unknown as { rows: unknown[] }).rows).toEqual([{ kind: 'object', level: '42' }]);
    expect(device.lastSeenAt).not.toBeNull();
    expect(device.installedApps.map((a) => a.packageName)).toEqual([
      'com.android.chrome',
      'com.openmdm.agent',
    ]);
    await mdm.processHeartbeat(deviceId, heartbeatBody({ batteryLevel: 41 }));
    await mdm.processHeartbeat(
      deviceId,
      heartbeatBody({ installedApps: [{ packageName: 'com.example.new', version: '2', versionCode: 2 }] }),
    );
    device = await mdm.devices.get(deviceId);
    expect(device.installedApps.map((a) => a.packageName)).toEqual(['com.example.new']);
    const beats = await mdm.events({ deviceId, types: ['device.heartbeat'] });
    expect(beats.map((e) => (e.payload as { appsChanged: boolean }).appsChanged)).toEqual([
      true,
      false,
      true,
    ]);
    expect(beats[1]!.payload).toEqual({ deviceId, batteryLevel: 41, appsChanged: false });
  });

  it('rejects wrong types and tolerates unknown keys', async () => {
    const { deviceId } = await mdm.enroll(hmacEnrollment());
    await expect(mdm.processHeartbeat(deviceId, { batteryLevel: 'full' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(mdm.processHeartbeat(deviceId, { networkName: 'a\u0000b' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(mdm.processHeartbeat(deviceId, { somethingNew: [1, 2] })).resolves.toMatchObject({
      success: true,
    });
  });

  it('hands out open commands once, marks them sent, and never again after ack', async () => {
    const { deviceId } = await mdm.enroll(hmacEnrollment());
    const lock = await mdm.devices.lock(deviceId, 'hello');
    const first = await mdm.processHeartbeat(deviceId, heartbeatBody());
    expect(first.pendingCommands).toEqual([
      {
        id: lock.id,
        type: 'lock',
        payload: { message: 'hello' },
        status: 'sent',
        createdAt: lock.createdAt.toISOString(),
      },
    ]);
    expect((await mdm.commands.get(lock.id)).status).toBe('sent');
    // Not acknowledged yet: delivered again (the agent may have missed the response), no second event.
    expect((await mdm.processHeartbeat(deviceId, heartbeatBody())).pendingCommands).toHaveLength(1);
    await mdm.agent.acknowledge(deviceId, lock.id);
    expect((await mdm.processHeartbeat(deviceId, heartbeatBody())).pendingCommands).toHaveLength(0);
    expect(await mdm.events({ commandId: lock.id, types: ['command.sent'] })).toHaveLength(1);
  });

  it('sends policyUpdate when the reported version differs, and records what the device applied', async () => {
    const { deviceId } = await mdm.enroll(hmacEnrollment());
    // The enroll response carried the fleet policy at version 1: reporting "1" needs nothing.
    const same = await mdm.processHeartbeat(deviceId, heartbeatBody({ policyVersion: '1' }));
    expect(same.policyUpdate).toBeUndefined();
    const fromDefault = await mdm.processHeartbeat(deviceId, heartbeatBody({ policyVersion: 'default' }));
    expect(fromDefault.policyUpdate).toEqual({
      id: fleetPolicy,
      name: 'Fleet',
      version: '1',
      settings: { disallowCamera: true },
    });
    const kiosk = await mdm.policies.create({ name: 'Kiosk', settings: { kioskMode: true } });
    await mdm.devices.assignPolicy(deviceId, kiosk.id);
    // Same version number, another policy: the device must still get it.
    const switched = await mdm.processHeartbeat(deviceId, heartbeatBody({ policyVersion: '1' }));
    expect(switched.policyUpdate).toMatchObject({
      id: kiosk.id,
      version: '1',
      settings: { kioskMode: true },
    });
    expect(
      (await mdm.processHeartbeat(deviceId, heartbeatBody({ policyVersion: '1' }))).policyUpdate,
    ).toBeUndefined();
    await mdm.policies.update(kiosk.id, { settings: { kioskMode: false } });
    const bumped = await mdm.processHeartbeat(deviceId, heartbeatBody({ policyVersion: '1' }));
    expect(bumped.policyUpdate?.version).toBe('2');
    await mdm.processHeartbeat(deviceId, heartbeatBody({ policyVersion: '2' }));
    const device = await mdm.devices.get(deviceId);
    expect(device).toMatchObject({
      appliedPolicyId: kiosk.id,
      appliedPolicyVersion: 2,
      reportedPolicyVersion: '2',
    });
    const applied = await mdm.events({ deviceId, types: ['policy.applied'] });
    expect(applied.map((e) => (e.payload as { reported: string }).reported)).toEqual([
      '1',
      'default',
      '1',
      '2',
    ]);
    expect(applied.at(-1)!.payload).toEqual({ deviceId, policyId: kiosk.id, version: 2, reported: '2' });
  });

  it('a pending (unapproved) device heartbeats but gets neither commands nor policy', async () => {
    const d = await mdm.devices.create({ status: 'pending', androidId: 'pending-device' });
    await mdm.devices.sync(d.id);
    const response = await mdm.processHeartbeat(d.id, heartbeatBody({ policyVersion: 'default' }));
    expect(response).toEqual({ success: true, pendingCommands: [] });
  });

  it('batches concurrent heartbeats without mixing devices up', async () => {
    const devices = await Promise.all(Array.from({ length: 12 }, () => mdm.enroll(hmacEnrollment())));
    const commands = await Promise.all(devices.map((d) => mdm.devices.sync(d.deviceId)));
    const responses = await Promise.all(
      devices.flatMap((d) => [
        mdm.processHeartbeat(d.deviceId, heartbeatBody({ batteryLevel: 10 })),
        mdm.processHeartbeat(d.deviceId, heartbeatBody({ batteryLevel: 11 })),
      ]),
    );
    devices.forEach((_device, i) => {
      const got = [...responses[2 * i]!.pendingCommands, ...responses[2 * i + 1]!.pendingCommands].map(
        (c) => c.id,
      );
      expect(new Set(got)).toEqual(new Set([commands[i]!.id]));
    });
    for (const c of commands)
      expect(await mdm.events({ commandId: c.id, types: ['command.sent'] })).toHaveLength(1);
  });
});

describe('heartbeat events reach the webhook outbox', () => {
  let t: TestMDM;
  beforeAll(async () => {
    t = await createTestMDM('postgres', {
      jobs: { enabled: false },
      webhooks: {
        allowPrivateNetworks: true,
        endpoints: [
          {
            url: 'http://127.0.0.1:9/hooks',
            secret: `whsec_${Buffer.from('a-test-webhook-secret-32-bytes!!').toString('base64')}`,
          },
        ],
      },
    });
  });
  afterAll(() => t.cleanup());

  it('writes an outbox row for each heartbeat event in the same transaction', async () => {
    const { deviceId } = await t.mdm.enroll(hmacEnrollment());
    await t.mdm.processHeartbeat(deviceId, heartbeatBody({ policyVersion: '7' }));
    const beats = await t.mdm.events({ deviceId, types: ['device.heartbeat', 'policy.applied'] });
    const deliveries = await t.mdm.webhooks.deliveries({ limit: 100 });
    const delivered = new Set(deliveries.items.map((d) => d.eventId));
    expect(beats.length).toBeGreaterThan(0);
    for (const event of beats) expect(delivered.has(event.id)).toBe(true);
  });
});
