import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bulkSendCommand, localFileStorage, type MDMInstance } from '@openmdm/sdk';
import { createTestMDM, type TestMDM } from '@openmdm/sdk/testing';
import { type AnyTRPCProcedure, TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostRouter, hostUsers } from '../test/host-app.js';
import { type Receiver, startReceiver } from '../test/webhook-receiver.js';
import { getMDMMeta } from './meta.js';
import { defaultRoles, type MDMPermission } from './permissions.js';

/*
 * A generated matrix over every procedure of the router × {no actor, viewer, operator, admin, another tenant's
 * admin}: each call is allowed or denied exactly as the procedure's declared permission and the built-in roles
 * say, and the other tenant's admin gets NOT_FOUND for this tenant's ids and sees none of its rows.
 */

const PREFIX = 'admin.mdm.';
let t: TestMDM;
let router: ReturnType<typeof createHostRouter>;

function procedureAt(path: string): AnyTRPCProcedure {
  return (router._def.procedures as unknown as Record<string, AnyTRPCProcedure>)[path]!;
}
let serial = 0;

/** Rows of tenant `acme` that the calls refer to. */
const ids = {} as {
  device: string;
  policy: string;
  group: string;
  app: string;
  command: string;
  batch: string;
  webhook: string;
  delivery: string;
};
let receiver: Receiver;
let storageDirectory: string;

async function freshDevice(mdm: MDMInstance, status: 'pending' | 'enrolled' = 'enrolled') {
  return (await mdm.devices.create({ tenantId: 'acme', status, name: `matrix-${++serial}` })).id;
}

type CrossTenant = 'notFound' | 'noLeak';

interface Case {
  /** Shown in the test name when a procedure has several cases. */
  variant?: string;
  input: (mdm: MDMInstance) => unknown | Promise<unknown>;
  /** What another tenant's admin gets: NOT_FOUND (the input names this tenant's rows) or its own data only. */
  crossTenant: CrossTenant;
  /** The call is destructive: it also needs the procedure's `destructivePermission`. */
  destructive?: boolean;
  /** The output records the caller's own attempts (the audit log), which may name ids it tried. */
  ownAttempts?: boolean;
}

const byId = (key: keyof typeof ids) => () => ({ id: ids[key] });

/** One entry per procedure; the matrix fails for a procedure that has none. */
const cases: Record<string, Case[]> = {
  'devices.list': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'devices.get': [{ input: byId('device'), crossTenant: 'notFound' }],
  'devices.stats': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'devices.update': [{ input: () => ({ id: ids.device, name: 'renamed' }), crossTenant: 'notFound' }],
  'devices.approve': [
    { input: async (mdm) => ({ id: await freshDevice(mdm, 'pending') }), crossTenant: 'notFound' },
  ],
  'devices.block': [{ input: async (mdm) => ({ id: await freshDevice(mdm) }), crossTenant: 'notFound' }],
  'devices.unblock': [
    {
      input: async (mdm) => {
        const id = await freshDevice(mdm);
        await mdm.devices.block(id);
        return { id };
      },
      crossTenant: 'notFound',
    },
  ],
  'devices.assignPolicy': [
    { input: () => ({ id: ids.device, policyId: ids.policy }), crossTenant: 'notFound' },
  ],
  'devices.setGroups': [
    { input: () => ({ id: ids.device, groupIds: [ids.group] }), crossTenant: 'notFound' },
  ],
  'devices.unenroll': [{ input: async (mdm) => ({ id: await freshDevice(mdm) }), crossTenant: 'notFound' }],
  'devices.delete': [{ input: async (mdm) => ({ id: await freshDevice(mdm) }), crossTenant: 'notFound' }],
  'bulk.sendCommand': [
    { input: () => ({ target: { ids: [ids.device] }, command: { type: 'sync' } }), crossTenant: 'notFound' },
    {
      variant: 'wipe',
      input: () => ({ target: { ids: [ids.device] }, command: { type: 'wipe' } }),
      crossTenant: 'notFound',
      destructive: true,
    },
  ],
  'bulk.assignPolicy': [
    { input: () => ({ target: { ids: [ids.device] }, policyId: ids.policy }), crossTenant: 'notFound' },
  ],
  'bulk.get': [{ input: () => ({ batchId: ids.batch }), crossTenant: 'notFound' }],
  'bulk.watch': [{ input: () => ({ batchId: ids.batch }), crossTenant: 'notFound' }],
  'policies.list': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'policies.get': [{ input: byId('policy'), crossTenant: 'notFound' }],
  'policies.create': [{ input: () => ({ name: `policy-${++serial}` }), crossTenant: 'noLeak' }],
  'policies.update': [{ input: () => ({ id: ids.policy, description: 'updated' }), crossTenant: 'notFound' }],
  'policies.delete': [
    {
      input: async (mdm) => ({
        id: (await mdm.policies.create({ name: `doomed-${++serial}`, tenantId: 'acme' })).id,
      }),
      crossTenant: 'notFound',
    },
  ],
  'policies.rollback': [{ input: () => ({ id: ids.policy, toVersion: 1 }), crossTenant: 'notFound' }],
  'policies.setDefault': [{ input: byId('policy'), crossTenant: 'notFound' }],
  'policies.diff': [{ input: () => ({ id: ids.policy, from: 1 }), crossTenant: 'notFound' }],
  'policies.rollout': [{ input: byId('policy'), crossTenant: 'notFound' }],
  'policies.schema': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'commands.send': [
    { input: () => ({ deviceId: ids.device, command: { type: 'sync' } }), crossTenant: 'notFound' },
    {
      variant: 'factoryReset',
      input: () => ({ deviceId: ids.device, command: { type: 'factoryReset' } }),
      crossTenant: 'notFound',
      destructive: true,
    },
  ],
  'commands.cancel': [
    {
      input: async (mdm) => ({ id: (await mdm.commands.send(ids.device, { type: 'sync' })).id }),
      crossTenant: 'notFound',
    },
  ],
  'commands.list': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'commands.get': [{ input: byId('command'), crossTenant: 'notFound' }],
  'commands.timeline': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'groups.list': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'groups.get': [{ input: byId('group'), crossTenant: 'notFound' }],
  'groups.create': [{ input: () => ({ name: `group-${++serial}` }), crossTenant: 'noLeak' }],
  'groups.update': [{ input: () => ({ id: ids.group, priority: 3 }), crossTenant: 'notFound' }],
  'groups.delete': [
    {
      input: async (mdm) => ({
        id: (await mdm.groups.create({ name: `empty-${++serial}`, tenantId: 'acme' })).id,
      }),
      crossTenant: 'notFound',
    },
  ],
  'apps.list': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'apps.get': [{ input: byId('app'), crossTenant: 'notFound' }],
  'apps.register': [
    { input: () => ({ packageName: `com.example.app${++serial}`, name: 'App' }), crossTenant: 'noLeak' },
  ],
  'apps.addVersion': [
    {
      input: () => ({
        appId: ids.app,
        version: '1.0',
        versionCode: ++serial,
        url: 'https://downloads.example.test/app.apk',
      }),
      crossTenant: 'notFound',
    },
  ],
  'apps.versions': [{ input: byId('app'), crossTenant: 'notFound' }],
  'apps.createUploadUrl': [{ input: () => ({ fileName: 'matrix.apk' }), crossTenant: 'noLeak' }],
  'apps.addUploadedVersion': [
    {
      input: async (mdm) => {
        const upload = await mdm.storage.createUploadUrl({ fileName: 'matrix.apk' });
        const put = await mdm.handleStorageRequest(
          new Request(upload.url, {
            method: 'PUT',
            body: new Uint8Array([1, 2, 3]),
            duplex: 'half',
          } as RequestInit),
        );
        expect(put.status).toBe(201);
        return { appId: ids.app, key: upload.key, version: `u${++serial}`, versionCode: 5000 + serial };
      },
      crossTenant: 'notFound',
    },
  ],
  'apps.delete': [
    {
      input: async (mdm) => ({
        id: (
          await mdm.apps.register({
            packageName: `com.example.gone${++serial}`,
            name: 'Gone',
            tenantId: 'acme',
          })
        ).id,
      }),
      crossTenant: 'notFound',
    },
  ],
  'webhooks.list': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'webhooks.get': [{ input: byId('webhook'), crossTenant: 'notFound' }],
  'webhooks.create': [{ input: () => ({ url: receiver.url, events: ['device.*'] }), crossTenant: 'noLeak' }],
  'webhooks.update': [
    { input: () => ({ id: ids.webhook, description: 'updated' }), crossTenant: 'notFound' },
  ],
  'webhooks.delete': [
    {
      input: async (mdm) => ({ id: (await mdm.webhooks.create({ url: receiver.url, tenantId: 'acme' })).id }),
      crossTenant: 'notFound',
    },
  ],
  'webhooks.test': [{ input: byId('webhook'), crossTenant: 'notFound' }],
  'webhooks.deliveries': [{ input: () => undefined, crossTenant: 'noLeak' }],
  'webhooks.replay': [{ input: () => ({ deliveryId: ids.delivery }), crossTenant: 'notFound' }],
  'audit.list': [{ input: () => undefined, crossTenant: 'noLeak', ownAttempts: true }],
  'enrollment.createProvisioning': [{ input: () => ({ policyId: ids.policy }), crossTenant: 'notFound' }],
  'events.stream': [{ input: () => ({ deviceId: ids.device }), crossTenant: 'notFound' }],
};

type ActorName = 'anonymous' | 'viewer' | 'operator' | 'admin' | 'otherAdmin';
const actors: ActorName[] = ['anonymous', 'viewer', 'operator', 'admin', 'otherAdmin'];

function grants(actor: ActorName, needed: MDMPermission[]): boolean {
  if (actor === 'anonymous') return false;
  const role = hostUsers[actor].role;
  return needed.every((p) => (defaultRoles[role] as readonly string[]).includes(p));
}

/** Calls a procedure by path as `actor`; subscriptions are pulled for their first item, then closed. */
async function call(actor: ActorName, path: string, input: unknown): Promise<unknown> {
  const caller = router.createCaller({
    user: actor === 'anonymous' ? null : hostUsers[actor],
    requestId: 'matrix',
  });
  const fn = path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
  const result = await fn(input);
  if (procedureAt(path)._def.type !== 'subscription') return result;
  const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  try {
    return (await iterator.next()).value;
  } finally {
    await iterator.return?.();
  }
}

async function outcome(promise: Promise<unknown>): Promise<{ code: string; value?: unknown }> {
  try {
    return { code: 'OK', value: await promise };
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code };
    throw error;
  }
}

beforeAll(async () => {
  receiver = await startReceiver();
  storageDirectory = await mkdtemp(join(tmpdir(), 'openmdm-matrix-'));
  t = await createTestMDM('postgres', {
    webhooks: { allowPrivateNetworks: true },
    storage: {
      adapter: localFileStorage({ directory: storageDirectory }),
      publicUrl: 'http://127.0.0.1:1/mdm/storage',
      signingSecret: 'matrix-storage-signing-secret-0123456789',
    },
  });
  router = createHostRouter(t.mdm);
  const mdm = t.mdm;
  ids.policy = (
    await mdm.policies.create({ name: 'Matrix', tenantId: 'acme', settings: { disallowCamera: true } })
  ).id;
  await mdm.policies.update(ids.policy, { settings: { disallowCamera: false } }, { tenantId: 'acme' });
  ids.device = await freshDevice(mdm);
  ids.group = (await mdm.groups.create({ name: 'Matrix group', tenantId: 'acme' })).id;
  ids.app = (
    await mdm.apps.register({ packageName: 'com.example.matrix', name: 'Matrix', tenantId: 'acme' })
  ).id;
  ids.command = (await mdm.commands.send(ids.device, { type: 'sync' })).id;
  ids.batch = (
    await bulkSendCommand(mdm, { ids: [ids.device] }, { type: 'sync' }, { tenantId: 'acme' })
  ).batchId;
  await mdm.devices.create({ tenantId: 'globex', name: 'globex device' });
  ids.webhook = (await mdm.webhooks.create({ url: receiver.url, tenantId: 'acme' })).id;
  await mdm.devices.update(ids.device, { name: 'delivered' });
  ids.delivery = (await mdm.webhooks.deliveries({ endpointId: ids.webhook })).items[0]!.id;
});

afterAll(async () => {
  await t?.cleanup();
  await receiver?.close();
  if (storageDirectory) await rm(storageDirectory, { recursive: true, force: true });
});

describe('the permission matrix', () => {
  it('covers every procedure, and every procedure declares its permission', () => {
    const paths = Object.keys(router._def.procedures)
      .filter((p) => p.startsWith(PREFIX))
      .map((p) => p.slice(PREFIX.length))
      .sort();
    expect(paths).toEqual(Object.keys(cases).sort());
    for (const path of paths) {
      const meta = getMDMMeta(procedureAt(PREFIX + path));
      expect(meta?.permission, path).toBeDefined();
    }
  });

  const rows = Object.entries(cases).flatMap(([path, list]) =>
    list.flatMap((c) =>
      actors.map((actor) => ({ path, actor, c, name: c.variant ? `${path} (${c.variant})` : path })),
    ),
  );

  it.each(rows)('$name as $actor', async ({ path, actor, c }) => {
    const meta = getMDMMeta(procedureAt(PREFIX + path))!;
    const needed = [
      meta.permission,
      ...(c.destructive && meta.destructivePermission ? [meta.destructivePermission] : []),
    ];
    const result = await outcome(call(actor, PREFIX + path, await c.input(t.mdm)));
    if (actor === 'anonymous') {
      expect(result.code).toBe('UNAUTHORIZED');
    } else if (!grants(actor, needed)) {
      expect(result.code).toBe('FORBIDDEN');
    } else if (actor === 'otherAdmin' && c.crossTenant === 'notFound') {
      expect(result.code).toBe('NOT_FOUND');
    } else {
      expect(result.code).toBe('OK');
      if (actor === 'otherAdmin') {
        const text = JSON.stringify(result.value);
        expect(text).not.toContain('"acme"');
        if (!c.ownAttempts) for (const id of Object.values(ids)) expect(text).not.toContain(id);
      }
    }
  });
});
