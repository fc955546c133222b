import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMDM, type MDMInstance } from '../create-mdm.js';
import { postgresAdapter } from '../db/drizzle/node-postgres.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';

/**
 * Races on real Postgres with separate connection pools, as two host instances sharing one database would.
 */
describe('command races on postgres', () => {
  let t: TestMDM;
  let a: MDMInstance;
  let b: MDMInstance;
  let deviceId: string;

  beforeAll(async () => {
    t = await createTestMDM('postgres');
    a = t.mdm;
    b = createMDM({ database: postgresAdapter({ connectionString: t.database.url!, max: 10 }) });
    await b.ready();
    deviceId = (await a.devices.create({ model: 'Race' })).id;
  });
  afterAll(async () => {
    await b.close();
    await t.cleanup();
  });

  it('two racing acknowledgements produce one transition and one event', async () => {
    for (let round = 0; round < 10; round++) {
      const cmd = await a.commands.send(deviceId, { type: 'sync' });
      const results = await Promise.all([
        a.commands.acknowledge(cmd.id, { deviceId }),
        b.commands.acknowledge(cmd.id, { deviceId }),
        a.commands.acknowledge(cmd.id, { deviceId }),
        b.commands.acknowledge(cmd.id, { deviceId }),
      ]);
      expect(results.every((r) => r.status === 'acknowledged')).toBe(true);
      const acks = (await a.events({ commandId: cmd.id })).filter((e) => e.type === 'command.acknowledged');
      expect(acks).toHaveLength(1);
    }
  });

  it('a completion racing a cancellation has exactly one winner', async () => {
    for (let round = 0; round < 10; round++) {
      const cmd = await a.commands.send(deviceId, { type: 'sync' });
      const outcomes = await Promise.allSettled([
        a.commands.complete(cmd.id, { success: true }),
        b.commands.cancel(cmd.id),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: 'INVALID_TRANSITION' });
      const final = await a.commands.get(cmd.id);
      expect(['completed', 'cancelled']).toContain(final.status);
    }
  });

  it('two workers claiming pending commands never claim the same one', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++) ids.add((await a.commands.send(deviceId, { type: 'sync' })).id);
    const claimed: string[][] = [[], []];
    await Promise.all(
      [a, b].map(async (instance, worker) => {
        for (;;) {
          const batch = await instance.commands.claimForPush(7, 60);
          if (batch.length === 0) break;
          claimed[worker]!.push(...batch.map((c) => c.id));
        }
      }),
    );
    const all = [...claimed[0]!, ...claimed[1]!].filter((id) => ids.has(id));
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(ids);
  });

  it('two deliveries of the same queue hand each command out once', async () => {
    const d = (await a.devices.create({ model: 'Queue' })).id;
    for (let i = 0; i < 20; i++) await a.commands.send(d, { type: 'sync' });
    const [x, y] = await Promise.all([a.commands.takeForDelivery(d, 20), b.commands.takeForDelivery(d, 20)]);
    const firstSends = (await a.events({ deviceId: d, types: ['command.sent'], limit: 100 })).length;
    expect(firstSends).toBe(20);
    expect(x.length + y.length).toBeGreaterThanOrEqual(20);
  });

  it('duplicate idempotency keys sent concurrently create one command', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).commands.send(deviceId, { type: 'reboot', idempotencyKey: 'reboot-once' }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const created = await a.events({ commandId: results[0]!.id, types: ['command.created'] });
    expect(created).toHaveLength(1);
  });
});
