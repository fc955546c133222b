import type { Device, Policy } from '@openmdm/sdk';
import { createTestMDM, type TestMDM } from '@openmdm/sdk/testing';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHostRouter,
  type HostClient,
  type HostServer,
  type HostUserName,
  hostClient,
  serveHost,
} from '../test/host-app.js';
import { type Receiver, startReceiver } from '../test/webhook-receiver.js';
import { getDeviceOutput } from './procedures/devices/get-device.js';

let t: TestMDM;
let server: HostServer;
let requestCounter = 0;
const clients = {} as Record<HostUserName | 'anonymous', HostClient>;
let policy: Policy;
let devices: Device[];
let otherDevice: Device;
let receiver: Receiver;

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<ReturnType<typeof createHostRouter>>;
}

beforeAll(async () => {
  receiver = await startReceiver();
  t = await createTestMDM('postgres', { webhooks: { allowPrivateNetworks: true } });
  server = await serveHost(createHostRouter(t.mdm));
  for (const user of ['viewer', 'operator', 'admin', 'otherAdmin'] as const) {
    clients[user] = hostClient(server.url, user, () => `req-${++requestCounter}`);
  }
  clients.anonymous = hostClient(server.url);
  policy = await t.mdm.policies.create({
    name: 'Base',
    tenantId: 'acme',
    settings: { disallowCamera: true },
  });
  devices = [];
  for (const [i, model] of ['Pixel 7', 'Pixel 8', 'Galaxy S23'].entries()) {
    devices.push(await t.mdm.devices.create({ model, name: `acme-${i}`, osVersion: '14', tenantId: 'acme' }));
  }
  otherDevice = await t.mdm.devices.create({ model: 'Pixel 7', tenantId: 'globex' });
});

afterAll(async () => {
  await server?.close();
  await t?.cleanup();
  await receiver?.close();
});

describe('mounted in a host tRPC app over HTTP', () => {
  it('sits next to the host procedures, on the host transformer and error formatter', async () => {
    expect(await clients.admin.health.query()).toEqual({ ok: true });
    expect(await clients.admin.whoami.query()).toEqual({ id: 'user-admin' });
    const page = await clients.viewer.admin.mdm.devices.list.query({
      limit: 2,
      sort: { field: 'name', direction: 'asc' },
    });
    expect(page.items.map((d) => d.name)).toEqual(['acme-0', 'acme-1']);
    expect(page.items[0]!.createdAt).toBeInstanceOf(Date);
    const rest = await clients.viewer.admin.mdm.devices.list.query({
      limit: 2,
      sort: { field: 'name', direction: 'asc' },
      cursor: page.nextCursor!,
    });
    expect(rest.items.map((d) => d.name)).toEqual(['acme-2']);
    expect(rest.nextCursor).toBeNull();
  });

  it('answers UNAUTHORIZED without an actor and FORBIDDEN without the permission', async () => {
    expect((await errorOf(clients.anonymous.admin.mdm.devices.list.query())).data?.code).toBe('UNAUTHORIZED');
    const forbidden = await errorOf(clients.viewer.admin.mdm.devices.block.mutate({ id: devices[0]!.id }));
    expect(forbidden.data?.code).toBe('FORBIDDEN');
    expect(forbidden.data?.formattedBy).toBe('host');
  });

  it('rejects unknown keys and oversized pages with the field path', async () => {
    const unknownKey = await errorOf(clients.viewer.admin.mdm.devices.list.query({ colour: 'red' } as never));
    expect(unknownKey.data?.code).toBe('BAD_REQUEST');
    expect(unknownKey.data?.zodIssues?.[0]).toMatchObject({ path: [] });
    expect(unknownKey.message).toContain('colour');
    const tooBig = await errorOf(clients.viewer.admin.mdm.devices.list.query({ limit: 201 }));
    expect(tooBig.data?.zodIssues?.[0]?.path).toEqual(['limit']);
    const badSettings = await errorOf(
      clients.admin.admin.mdm.policies.create.mutate({
        name: 'x',
        settings: { wifiNetworks: [{ ssid: '' }] },
      }),
    );
    expect(badSettings.data?.zodIssues?.[0]?.path).toEqual(['settings', 'wifiNetworks', 0, 'ssid']);
  });

  it('returns a device with groups, effective policy and compliance, and nothing internal', async () => {
    const group = await clients.operator.admin.mdm.groups.create.mutate({
      name: 'Warehouse',
      policyId: policy.id,
    });
    await clients.operator.admin.mdm.devices.setGroups.mutate({ id: devices[0]!.id, groupIds: [group.id] });
    const got = await clients.viewer.admin.mdm.devices.get.query({ id: devices[0]!.id });
    expect(got.groups).toEqual([{ id: group.id, name: 'Warehouse' }]);
    expect(got.policy).toMatchObject({
      policyId: policy.id,
      source: 'group',
      groupId: group.id,
      compliance: 'unknown',
    });
    expect(Object.keys(got.device).sort()).toEqual(Object.keys(getDeviceOutput.shape.device.shape).sort());
    expect(got.device).not.toHaveProperty('pushToken');
    expect(got.device).not.toHaveProperty('publicKey');
  });

  it('audits mutations in the same call: actor, action, target, input, request id, result', async () => {
    await clients.operator.admin.mdm.devices.block.mutate({ id: devices[1]!.id, reason: 'lost' });
    const again = await errorOf(clients.operator.admin.mdm.devices.block.mutate({ id: devices[1]!.id }));
    expect(again.data?.code).toBe('PRECONDITION_FAILED');
    expect(again.data?.mdm.mdmCode).toBe('INVALID_TRANSITION');
    const audit = await clients.admin.admin.mdm.audit.list.query({
      action: 'devices.block',
      targetId: devices[1]!.id,
    });
    expect(audit.items.map((r) => r.result)).toEqual(['error', 'success']);
    expect(audit.items[1]).toMatchObject({
      actorId: 'user-operator',
      tenantId: 'acme',
      action: 'devices.block',
      targetType: 'device',
      targetId: devices[1]!.id,
      input: { id: devices[1]!.id, reason: 'lost' },
    });
    expect(audit.items[1]!.requestId).toMatch(/^req-\d+$/);
    expect(audit.items[0]!.error).toContain('PRECONDITION_FAILED');
    const denied = await clients.admin.admin.mdm.audit.list.query({ result: 'denied' });
    expect(denied.items.some((r) => r.actorId === 'user-viewer' && r.action === 'devices.block')).toBe(true);
    const byArea = await clients.admin.admin.mdm.audit.list.query({ action: 'groups.*' });
    expect(byArea.items[0]).toMatchObject({ action: 'groups.create', targetType: 'group' });
    expect(byArea.items[0]!.targetId).toMatch(/^grp_/);
  });

  it("treats another tenant's ids as not found and never lists them", async () => {
    const notFound = await errorOf(clients.otherAdmin.admin.mdm.devices.get.query({ id: devices[0]!.id }));
    expect(notFound.data?.code).toBe('NOT_FOUND');
    const mine = await clients.otherAdmin.admin.mdm.devices.list.query();
    expect(mine.items.map((d) => d.id)).toEqual([otherDevice.id]);
    const policies = await clients.otherAdmin.admin.mdm.policies.list.query();
    expect(policies).toEqual([]);
    const assign = await errorOf(
      clients.otherAdmin.admin.mdm.devices.assignPolicy.mutate({ id: otherDevice.id, policyId: policy.id }),
    );
    expect(assign.data?.code).toBe('NOT_FOUND');
  });

  it('versions, diffs, rolls out and refuses to delete an assigned policy', async () => {
    const created = await clients.admin.admin.mdm.policies.create.mutate({
      name: 'Kiosk',
      settings: { kioskMode: true, mainApp: 'com.example.kiosk' },
    });
    expect(created.tenantId).toBe('acme');
    const updated = await clients.admin.admin.mdm.policies.update.mutate({
      id: created.id,
      settings: { kioskMode: true, mainApp: 'com.example.kiosk2', heartbeatInterval: 60 },
      note: 'new kiosk app',
    });
    expect(updated.policy.version).toBe(2);
    expect(updated.versionCreated).toBe(true);
    expect(updated.version).toMatchObject({ version: 2, createdBy: 'user-admin', note: 'new kiosk app' });
    const diff = await clients.viewer.admin.mdm.policies.diff.query({ id: created.id, from: 1 });
    expect(diff.changes).toEqual([
      { path: ['heartbeatInterval'], kind: 'added', after: 60 },
      { path: ['mainApp'], kind: 'changed', before: 'com.example.kiosk', after: 'com.example.kiosk2' },
    ]);
    await clients.operator.admin.mdm.devices.assignPolicy.mutate({
      id: devices[2]!.id,
      policyId: created.id,
    });
    const rollout = await clients.viewer.admin.mdm.policies.rollout.query({ id: created.id });
    expect(rollout).toEqual({
      policyId: created.id,
      currentVersion: 2,
      targeted: 1,
      upToDate: 0,
      versions: [{ version: null, devices: 1 }],
    });
    const refused = await errorOf(clients.admin.admin.mdm.policies.delete.mutate({ id: created.id }));
    expect(refused.data?.code).toBe('CONFLICT');
    expect(refused.data?.mdm.details).toMatchObject({ reason: 'POLICY_IN_USE', devices: 1, groups: 0 });
    const history = await clients.viewer.admin.mdm.policies.get.query({ id: created.id });
    expect(history.versions.map((v) => v.version)).toEqual([2, 1]);
    const schema = await clients.viewer.admin.mdm.policies.schema.query();
    expect(schema.jsonSchema).toMatchObject({ type: 'object', additionalProperties: false });
    expect((schema.jsonSchema.properties as Record<string, unknown>).heartbeatInterval).toMatchObject({
      type: 'integer',
      minimum: 15,
    });
  });

  it('needs commands:wipe for destructive commands, and lists, times and cancels commands', async () => {
    const device = devices[0]!;
    const forbidden = await errorOf(
      clients.operator.admin.mdm.commands.send.mutate({ deviceId: device.id, command: { type: 'wipe' } }),
    );
    expect(forbidden.data?.code).toBe('FORBIDDEN');
    const lock = await clients.operator.admin.mdm.commands.send.mutate({
      deviceId: device.id,
      command: { type: 'lock', payload: { message: 'hi' } },
    });
    expect(lock).toMatchObject({ type: 'lock', status: 'pending', createdBy: 'user-operator' });
    const badPayload = await errorOf(
      clients.operator.admin.mdm.commands.send.mutate({
        deviceId: device.id,
        command: { type: 'setVolume', payload: { level: 500 } },
      }),
    );
    expect(badPayload.data?.zodIssues?.[0]?.path).toEqual(['command', 'payload', 'level']);
    const wipe = await clients.admin.admin.mdm.commands.send.mutate({
      deviceId: device.id,
      command: { type: 'wipe' },
    });
    const list = await clients.viewer.admin.mdm.commands.list.query({ deviceId: device.id, type: ['lock'] });
    expect(list.items.map((c) => c.id)).toEqual([lock.id]);
    const cancelled = await clients.operator.admin.mdm.commands.cancel.mutate({
      id: wipe.id,
      reason: 'oops',
    });
    expect(cancelled.status).toBe('cancelled');
    await t.mdm.commands.acknowledge(lock.id);
    const late = await errorOf(clients.operator.admin.mdm.commands.cancel.mutate({ id: lock.id }));
    expect(late.data?.code).toBe('PRECONDITION_FAILED');
    const timeline = await clients.viewer.admin.mdm.commands.timeline.query({
      deviceId: device.id,
      limit: 2,
    });
    expect(timeline.items.map((e) => e.type)).toEqual(['command.acknowledged', 'command.cancelled']);
    const next = await clients.viewer.admin.mdm.commands.timeline.query({
      deviceId: device.id,
      limit: 2,
      cursor: timeline.nextCursor!,
    });
    expect(next.items.map((e) => e.type)).toEqual(['command.created', 'command.created']);
    expect((await errorOf(clients.otherAdmin.admin.mdm.commands.get.query({ id: lock.id }))).data?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('runs bulk commands by filter, ids or all, and streams the batch progress', async () => {
    const empty = await errorOf(
      clients.operator.admin.mdm.bulk.sendCommand.mutate({
        target: { filter: {} },
        command: { type: 'sync' },
      }),
    );
    expect(empty.data?.zodIssues?.[0]?.path).toEqual(['target', 'filter']);
    const unknown = await errorOf(
      clients.operator.admin.mdm.bulk.sendCommand.mutate({
        target: { filter: { modell: ['x'] } as never },
        command: { type: 'sync' },
      }),
    );
    expect(unknown.data?.code).toBe('BAD_REQUEST');
    const foreign = await errorOf(
      clients.operator.admin.mdm.bulk.sendCommand.mutate({
        target: { ids: [otherDevice.id] },
        command: { type: 'sync' },
      }),
    );
    expect(foreign.data?.code).toBe('NOT_FOUND');

    const result = await clients.operator.admin.mdm.bulk.sendCommand.mutate({
      target: { all: true },
      command: { type: 'reboot' },
    });
    // devices[1] is blocked: refused, the others accepted.
    expect(result).toMatchObject({ targeted: 3, accepted: 2, rejected: 1 });
    expect(result.rejections).toEqual([
      expect.objectContaining({ deviceId: devices[1]!.id, code: 'DEVICE_NOT_ACTIVE' }),
    ]);
    const progress = await clients.viewer.admin.mdm.bulk.get.query({ batchId: result.batchId });
    expect(progress).toMatchObject({ kind: 'sendCommand', done: false, counts: { pending: 2, failed: 1 } });

    const seen: boolean[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      const sub = clients.viewer.admin.mdm.bulk.watch.subscribe(
        { batchId: result.batchId },
        {
          onData: (p) => {
            seen.push(p.done);
            if (p.done) {
              expect(p.counts).toEqual({ pending: 0, inProgress: 0, succeeded: 2, failed: 1 });
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    const commands = await t.mdm.commands.list({ batchId: result.batchId });
    await new Promise((r) => setTimeout(r, 300));
    for (const command of commands.items) await t.mdm.commands.complete(command.id, { success: true });
    await finished;
    expect(seen[0]).toBe(false);

    const audit = await clients.admin.admin.mdm.audit.list.query({
      action: 'bulk.sendCommand',
      result: 'success',
    });
    expect(audit.items[0]).toMatchObject({ targetType: 'batch', targetId: result.batchId });
  });

  it('assigns a policy in bulk and reports it per device', async () => {
    const result = await clients.operator.admin.mdm.bulk.assignPolicy.mutate({
      target: { filter: { model: ['Pixel 7', 'Pixel 8'] } },
      policyId: policy.id,
    });
    expect(result).toMatchObject({ targeted: 2, accepted: 2, rejected: 0 });
    const progress = await clients.viewer.admin.mdm.bulk.get.query({ batchId: result.batchId });
    expect(progress).toMatchObject({
      kind: 'assignPolicy',
      counts: { pending: 2, succeeded: 0 },
      done: false,
    });
    expect(
      (await errorOf(clients.otherAdmin.admin.mdm.bulk.get.query({ batchId: result.batchId }))).data?.code,
    ).toBe('NOT_FOUND');
  });

  it('reports fleet stats of the actor tenant only', async () => {
    const stats = await clients.viewer.admin.mdm.devices.stats.query();
    expect(stats.total).toBe(3);
    expect(stats.byStatus).toMatchObject({ enrolled: 2, blocked: 1 });
    expect(stats.online + stats.offline).toBe(3);
    expect(stats.byOsVersion).toEqual([{ osVersion: '14', count: 3 }]);
    expect(stats.compliance.unknown).toBe(3);
    const other = await clients.otherAdmin.admin.mdm.devices.stats.query();
    expect(other.total).toBe(1);
  });

  it('builds the managed-provisioning payload and QR content the agent reads', async () => {
    const forbidden = await errorOf(clients.operator.admin.mdm.enrollment.createProvisioning.mutate());
    expect(forbidden.data?.code).toBe('FORBIDDEN');
    const out = await clients.admin.admin.mdm.enrollment.createProvisioning.mutate({
      policyId: policy.id,
      enrollmentToken: 'tok-1',
    });
    expect(out.payload).toMatchObject({
      'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME':
        'com.openmdm.agent/.receiver.MDMDeviceAdminReceiver',
      'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION':
        'https://downloads.example.test/openmdm-agent.apk',
      'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM': Buffer.from(
        'a'.repeat(64),
        'hex',
      ).toString('base64url'),
      'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
        'openmdm.server_url': 'https://mdm.example.test/mdm',
        'openmdm.device_secret': 'test-device-secret',
        'openmdm.enrollment_token': 'tok-1',
        'openmdm.policy_id': policy.id,
      },
    });
    expect(JSON.parse(out.qrContent)).toEqual(out.payload);
    const audit = await clients.admin.admin.mdm.audit.list.query({ action: 'enrollment.createProvisioning' });
    expect(JSON.stringify(audit.items[0]!.input)).not.toContain('test-device-secret');
    const foreign = await errorOf(
      clients.otherAdmin.admin.mdm.enrollment.createProvisioning.mutate({ policyId: policy.id }),
    );
    expect(foreign.data?.code).toBe('NOT_FOUND');
  });

  it('manages groups and the app catalogue', async () => {
    const group = await clients.operator.admin.mdm.groups.create.mutate({ name: 'Drivers' });
    const updated = await clients.operator.admin.mdm.groups.update.mutate({ id: group.id, priority: 5 });
    expect(updated.priority).toBe(5);
    expect((await clients.viewer.admin.mdm.groups.list.query()).map((g) => g.name)).toContain('Drivers');
    await clients.operator.admin.mdm.groups.delete.mutate({ id: group.id });
    expect((await errorOf(clients.viewer.admin.mdm.groups.get.query({ id: group.id }))).data?.code).toBe(
      'NOT_FOUND',
    );

    const app = await clients.operator.admin.mdm.apps.register.mutate({
      packageName: 'com.example.scan',
      name: 'Scan',
    });
    await clients.operator.admin.mdm.apps.addVersion.mutate({
      appId: app.id,
      version: '1.0',
      versionCode: 1,
      url: 'https://downloads.example.test/scan.apk',
    });
    const again = await errorOf(
      clients.operator.admin.mdm.apps.register.mutate({ packageName: 'com.example.scan', name: 'x' }),
    );
    expect(again.data?.code).toBe('CONFLICT');
    expect((await clients.viewer.admin.mdm.apps.get.query({ id: app.id })).latestVersion?.versionCode).toBe(
      1,
    );
    expect(await clients.viewer.admin.mdm.apps.versions.query({ id: app.id })).toHaveLength(1);
    expect(await clients.otherAdmin.admin.mdm.apps.list.query()).toEqual([]);
  });

  it('manages webhook endpoints, tests them and replays deliveries', async () => {
    const forbidden = await errorOf(clients.operator.admin.mdm.webhooks.list.query());
    expect(forbidden.data?.code).toBe('FORBIDDEN');
    const created = await clients.admin.admin.mdm.webhooks.create.mutate({
      url: receiver.url,
      events: ['device.*'],
    });
    expect(created).toMatchObject({ tenantId: 'acme', source: 'database', secretCount: 1 });
    expect(created.secret.length).toBeGreaterThan(20);
    const listed = await clients.admin.admin.mdm.webhooks.list.query();
    expect(listed.map((w) => w.id)).toEqual([created.id]);
    expect(listed[0]).not.toHaveProperty('secret');
    const audit = await clients.admin.admin.mdm.audit.list.query({ action: 'webhooks.create' });
    expect(audit.items[0]).toMatchObject({ targetType: 'webhook', targetId: created.id, result: 'success' });
    expect(JSON.stringify(audit.items[0]!.input)).not.toContain(created.secret);

    const tested = await clients.admin.admin.mdm.webhooks.test.mutate({ id: created.id });
    expect(tested).toMatchObject({ ok: true, statusCode: 204 });
    await clients.operator.admin.mdm.devices.update.mutate({ id: devices[2]!.id, name: 'hooked' });
    const delivered = async () => {
      for (let i = 0; i < 200; i++) {
        const page = await clients.admin.admin.mdm.webhooks.deliveries.query({ endpointId: created.id });
        if (page.items[0]?.status === 'delivered') return page;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the delivery was not sent');
    };
    const deliveries = await delivered();
    expect(deliveries.items[0]).toMatchObject({ eventType: 'device.updated', deviceId: devices[2]!.id });
    expect(receiver.bodies.some((b) => b.includes('device.updated'))).toBe(true);
    const replayed = await clients.admin.admin.mdm.webhooks.replay.mutate({
      deliveryId: deliveries.items[0]!.id,
    });
    expect(replayed).toMatchObject({ id: deliveries.items[0]!.id, status: 'pending', attempts: 0 });

    const updated = await clients.admin.admin.mdm.webhooks.update.mutate({ id: created.id, enabled: false });
    expect(updated.enabled).toBe(false);
    expect(
      (await errorOf(clients.otherAdmin.admin.mdm.webhooks.get.query({ id: created.id }))).data?.code,
    ).toBe('NOT_FOUND');
    await clients.admin.admin.mdm.webhooks.delete.mutate({ id: created.id });
    expect(await clients.admin.admin.mdm.webhooks.list.query()).toEqual([]);
  });
});
