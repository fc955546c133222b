import type { Command } from '@openmdm/sdk';
import { createTestDatabase, type TestDatabase } from '@openmdm/sdk/testing';
import { Fleet } from '@openmdm/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostServer, startHostServer } from '../src/start-server.js';

const deviceSecret = 'fleet-secret-42';

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a simulated fleet against the host app on real Postgres', () => {
  let database: TestDatabase;
  let server: HostServer;
  let pinned: Fleet;
  let hmac: Fleet;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // every simulated device enrols from 127.0.0.1, so the per-IP enrolment limit is lifted
    server = await startHostServer({
      port: 0,
      databaseUrl: database.url!,
      deviceSecret,
      enrollRateLimit: false,
    });
    const common = {
      serverUrl: server.agentUrl,
      deviceSecret,
      heartbeatIntervalMs: 1000,
      workManager: false,
      concurrency: 32,
      installDelayMs: 200,
      retryBaseDelayMs: 50,
    };
    pinned = new Fleet({ ...common, devices: 500, seed: 1, pinnedKey: true });
    hmac = new Fleet({ ...common, devices: 500, seed: 2, pinnedKey: false, method: 'qr' });
  });
  afterAll(async () => {
    await Promise.all([pinned?.stop(), hmac?.stop()]);
    await server?.close();
    await database?.drop();
  });

  it('enrols 1,000 devices through both enrolment paths', async () => {
    const [a, b] = await Promise.all([pinned.enrollAll(), hmac.enrollAll()]);
    expect(a).toMatchObject({ enrolled: 500, failed: 0 });
    expect(b).toMatchObject({ enrolled: 500, failed: 0 });
    expect(pinned.stats().enrollment).toMatchObject({ pinnedKey: 500, hmac: 0 });
    expect(hmac.stats().enrollment).toMatchObject({ pinnedKey: 0, hmac: 500 });
    const page = await server.mdm.devices.list({ status: ['enrolled'], limit: 500 });
    expect(page.items).toHaveLength(500);
    const withKey = await server.mdm.devices.list({ limit: 500 });
    expect(withKey.nextCursor).not.toBeNull();
  });

  it('runs lock, installApp, shell and configureWifi round trips to completion', async () => {
    const { mdm, apk } = server;
    const devices = (await mdm.devices.list({ limit: 80, sort: { field: 'createdAt', direction: 'asc' } }))
      .items;
    const sent: Command[] = [];
    for (const [i, device] of devices.entries()) {
      switch (i % 4) {
        case 0:
          sent.push(await mdm.devices.lock(device.id, 'Return to the front desk'));
          break;
        case 1:
          sent.push(
            await mdm.devices.installApp(device.id, {
              packageName: apk.packageName,
              url: apk.url,
              sha256: apk.sha256,
            }),
          );
          break;
        case 2:
          sent.push(await mdm.commands.send(device.id, { type: 'shell', payload: { command: 'id' } }));
          break;
        default:
          sent.push(
            await mdm.commands.send(device.id, {
              type: 'configureWifi',
              payload: { ssid: 'Warehouse', password: 'correct horse', securityType: 'WPA2' },
            }),
          );
      }
    }
    await Promise.all([pinned.start(), hmac.start()]);
    const finished = await waitFor(
      () => Promise.all(sent.map((c) => mdm.commands.get(c.id))),
      (all) => all.every((c) => c.status === 'completed' || c.status === 'failed'),
      120_000,
    );
    expect(finished.map((c) => c.status)).toEqual(sent.map(() => 'completed'));
    for (const command of finished) {
      switch (command.type) {
        case 'lock':
          expect(command.result).toEqual({ success: true, message: 'Device locked' });
          break;
        case 'installApp':
          expect(command.result).toEqual({
            success: true,
            message: `App ${apk.packageName} installed successfully`,
          });
          break;
        case 'shell':
          expect(command.result).toMatchObject({ success: true, data: { exitCode: 0 } });
          expect(command.result?.message).toContain('uid=');
          break;
        default:
          expect(command.result).toEqual({ success: true, message: 'WiFi network Warehouse configured' });
      }
    }
    // three acks per non-critical command reached the server, and each was a no-op after the first
    const shell = finished.find((c) => c.type === 'shell')!;
    const events = await mdm.events({ commandId: shell.id });
    expect(events.map((e) => e.type)).toEqual([
      'command.created',
      'command.sent',
      'command.acknowledged',
      'command.completed',
    ]);
    // installs finish asynchronously and report an app_install event
    const install = finished.find((c) => c.type === 'installApp')!;
    const deviceEvents = await waitFor(
      () => mdm.events({ deviceId: install.deviceId, types: ['device.event'] }),
      (e) => e.length > 0,
      10_000,
    );
    expect(deviceEvents[0]?.payload).toMatchObject({ type: 'app_install' });
    // every device heartbeats, and none of those heartbeats fails
    const offline = await waitFor(
      async () => (await mdm.devices.list({ online: false, limit: 500 })).items.length,
      (n) => n === 0,
      60_000,
    );
    expect(offline).toBe(0);
    const stats = [pinned.stats(), hmac.stats()];
    expect(stats.reduce((n, s) => n + s.heartbeats.ok, 0)).toBeGreaterThanOrEqual(1000);
    expect(stats.reduce((n, s) => n + s.heartbeats.failed, 0)).toBe(0);
  });
});
