import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventually } from '../../test/helpers/webhook-receiver.js';
import { createMDM } from '../create-mdm.js';
import type { AnyMDMEvent } from '../domain/event.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { adminOperation, agentRoute, definePlugin } from './define.js';
import type { PluginContext } from './types.js';

function notesPlugin(seen: { setup: number; events: AnyMDMEvent[]; contexts: PluginContext[] }) {
  return definePlugin({
    name: 'notes',
    version: '0.1.0',
    migrations: [
      {
        id: '0001_notes',
        sql: 'create table plugin_notes (device_id text primary key, note text not null)\n--> statement-breakpoint\ncreate index plugin_notes_note_idx on plugin_notes (note)',
      },
    ],
    async setup(ctx) {
      seen.setup++;
      seen.contexts.push(ctx);
      await ctx.store.set('installed', true);
    },
    events: {
      'device.enrolled': (event) => {
        seen.events.push(event);
      },
      'device.updated': () => {
        throw new Error('a broken handler');
      },
    },
    heartbeat: async ({ device, heartbeat }, ctx) => {
      if (heartbeat.batteryLevel !== undefined && heartbeat.batteryLevel < 10) {
        await ctx.store.set(`low:${device.id}`, heartbeat.batteryLevel);
        return { commands: [{ type: 'sendNotification', payload: { title: 'Battery low' } }] };
      }
      return undefined;
    },
    validatePolicySettings: ({ settings }) =>
      settings.heartbeatInterval !== undefined && settings.heartbeatInterval > 3600
        ? [{ path: ['heartbeatInterval'], message: 'notes needs a heartbeat at least every hour' }]
        : [],
    agentRoutes: [
      agentRoute({
        method: 'POST',
        path: '/notes/:slot',
        body: z.strictObject({ note: z.string().min(1) }),
        async handler({ deviceId, params, body }, ctx) {
          await ctx.database.db.execute(
            sql`insert into plugin_notes (device_id, note) values (${deviceId}, ${`${params.slot}:${body.note}`})
                on conflict (device_id) do update set note = excluded.note`,
          );
          return { status: 201, body: { saved: true } };
        },
      }),
      agentRoute({ method: 'GET', path: '/notes/ping', auth: 'none', handler: () => new Response('pong') }),
    ],
    admin: {
      read: adminOperation({
        kind: 'query',
        input: z.strictObject({ deviceId: z.string() }),
        async handler({ deviceId }, ctx) {
          const result = await ctx.database.db.execute(
            sql`select note from plugin_notes where device_id = ${deviceId}`,
          );
          const rows = (result as unknown as { rows: { note: string }[] }).rows;
          return { note: rows[0]?.note ?? null, actor: ctx.actor?.id ?? null };
        },
      }),
    },
  });
}

describe('plugins', () => {
  const seen = { setup: 0, events: [] as AnyMDMEvent[], contexts: [] as PluginContext[] };
  let t: TestMDM;

  beforeAll(async () => {
    t = await createTestMDM('postgres', { plugins: [notesPlugin(seen)], jobs: { enabled: false } });
  });
  afterAll(() => t.cleanup());

  it('apply their migrations and run setup once, with their own store', async () => {
    await t.mdm.ready();
    expect(seen.setup).toBe(1);
    expect(await t.mdm.plugins.store('notes').get('installed')).toBe(true);
    expect(await t.mdm.plugins.store('notes').get('openmdm:migrations')).toEqual(['0001_notes']);
    expect(t.mdm.plugins.list()).toEqual([
      {
        name: 'notes',
        version: '0.1.0',
        operations: [{ name: 'read', kind: 'query', description: null }],
        agentRoutes: [
          { plugin: 'notes', method: 'POST', path: '/notes/:slot', auth: 'device' },
          { plugin: 'notes', method: 'GET', path: '/notes/ping', auth: 'none' },
        ],
        hasHeartbeatHook: true,
        validatesPolicySettings: true,
      },
    ]);
    // A second instance on the same database finds the migration applied.
    const again = createMDM({ database: t.mdm.database, plugins: [notesPlugin(seen)] });
    await again.plugins.start();
    expect(seen.setup).toBe(2);
  });

  it('receive committed events; a failing handler is isolated', async () => {
    const device = await t.mdm.devices.create({ name: 'evented' });
    await t.mdm.devices.update(device.id, { name: 'renamed' });
    await eventually(() => seen.events.some((e) => e.deviceId === device.id));
    expect(seen.events.find((e) => e.deviceId === device.id)!.type).toBe('device.enrolled');
  });

  it('add commands from heartbeat hooks through runHeartbeatHooks', async () => {
    const device = await t.mdm.devices.create({ name: 'hb' });
    const none = await t.mdm.context.runHeartbeatHooks({
      device: { id: device.id, tenantId: null },
      heartbeat: { batteryLevel: 80 },
    });
    expect(none.commands).toEqual([]);
    const low = await t.mdm.context.runHeartbeatHooks({
      device: { id: device.id, tenantId: null },
      heartbeat: { batteryLevel: 5 },
    });
    expect(low.commands).toHaveLength(1);
    expect(low.commands[0]).toMatchObject({
      type: 'sendNotification',
      status: 'pending',
      deviceId: device.id,
    });
    expect(await t.mdm.plugins.store('notes').get(`low:${device.id}`)).toBe(5);
    const broken = await t.mdm.context.runHeartbeatHooks({
      device: { id: 'dev_missing', tenantId: null },
      heartbeat: { batteryLevel: 1 },
    });
    expect(broken.commands).toEqual([]);
  });

  it('reject policy settings through their validator, on create and update', async () => {
    await expect(
      t.mdm.policies.create({ name: 'slow', settings: { heartbeatInterval: 7200 } }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message:
        'policy settings rejected by plugin notes: notes needs a heartbeat at least every hour at settings.heartbeatInterval',
      issues: [{ path: ['settings', 'heartbeatInterval'], code: 'plugin:notes' }],
    });
    const ok = await t.mdm.policies.create({ name: 'fast', settings: { heartbeatInterval: 60 } });
    await expect(
      t.mdm.policies.update(ok.id, { settings: { heartbeatInterval: 86_400 } }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect((await t.mdm.policies.get(ok.id)).version).toBe(1);
  });

  it('serve agent routes through the route table', async () => {
    const device = await t.mdm.devices.create({ name: 'routes' });
    const request = (body: unknown) =>
      new Request('http://host/mdm/agent/notes/a1', { method: 'POST', body: JSON.stringify(body) });
    const match = t.mdm.agentRoutes.match('POST', '/notes/a1');
    expect(match).toMatchObject({ plugin: 'notes', auth: 'device', params: { slot: 'a1' } });
    const saved = await match!.handle({ request: request({ note: 'hello' }), deviceId: device.id });
    expect(saved.status).toBe(201);
    expect(await saved.json()).toEqual({ saved: true });
    const bad = await match!.handle({ request: request({ note: '' }), deviceId: device.id });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_ERROR', issues: [{ path: ['note'] }] });
    const anonymous = await match!.handle({ request: request({ note: 'x' }), deviceId: null });
    expect(anonymous.status).toBe(401);
    const ping = t.mdm.agentRoutes.match('get', '/notes/ping/');
    expect(await (await ping!.handle({ request: new Request('http://host/'), deviceId: null })).text()).toBe(
      'pong',
    );
    expect(t.mdm.agentRoutes.match('DELETE', '/notes/a1')).toBeNull();
    expect(t.mdm.agentRoutes.match('POST', '/notes')).toBeNull();

    const read = await t.mdm.plugins.call('notes', 'read', { deviceId: device.id }, { id: 'admin-1' });
    expect(read).toEqual({ note: 'a1:hello', actor: 'admin-1' });
  });

  it('validate admin operation calls', async () => {
    await expect(t.mdm.plugins.call('notes', 'read', { deviceId: 1 })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining('notes.read'),
    });
    await expect(t.mdm.plugins.call('notes', 'write', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(t.mdm.plugins.call('nope', 'read', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('are checked at createMDM: names, duplicates and routes', () => {
    const build = (plugins: unknown[]) => () =>
      createMDM({ database: t.mdm.database, plugins: plugins as never, jobs: { enabled: false } });
    expect(build([{ name: 'Bad Name' }])).toThrow(/plugins\.0: a plugin needs a name like "kiosk"/);
    expect(build([{ name: 'a' }, { name: 'a' }])).toThrow(/plugins\.1: plugin "a" is installed twice/);
    expect(
      build([
        { name: 'r', agentRoutes: [{ method: 'POST', path: 'no-slash', handler: () => new Response() }] },
      ]),
    ).toThrow(/agent route POST no-slash: the path must look like/);
    expect(
      build([
        { name: 'r1', agentRoutes: [{ method: 'GET', path: '/x/:a', handler: () => new Response() }] },
        { name: 'r2', agentRoutes: [{ method: 'GET', path: '/x/:b', handler: () => new Response() }] },
      ]),
    ).toThrow(/already registered by plugin r1/);
    expect(build([{ name: 'ops', admin: { go: { kind: 'mutation' } } }])).toThrow(
      /admin operation "go" needs/,
    );
  });
});
