import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestMDM, type TestDriver, type TestMDM } from '../testing/index.js';
import { createPluginStore } from './plugin-store.js';

describe.each<TestDriver>(['postgres', 'pglite'])('plugin key-value store on %s', (driver) => {
  let t: TestMDM;
  beforeAll(async () => {
    t = await createTestMDM(driver, { jobs: { enabled: false } });
  });
  afterAll(() => t.cleanup());

  it('keeps each plugin in its own namespace', async () => {
    const a = createPluginStore(t.mdm.database, 'alpha');
    const b = createPluginStore(t.mdm.database, 'beta');
    await a.set('device:1', { on: true });
    await a.set('device:2', { on: false });
    await a.set('other', [1, 2]);
    await b.set('device:1', 'beta value');
    expect(await a.get('device:1')).toEqual({ on: true });
    expect(await b.get('device:1')).toBe('beta value');
    expect(await a.get('missing')).toBeUndefined();
    expect((await a.list('device:')).map((e) => e.key)).toEqual(['device:1', 'device:2']);
    expect(await a.delete('device:2')).toBe(true);
    expect(await a.delete('device:2')).toBe(false);
    expect((await a.list()).map((e) => e.key)).toEqual(['device:1', 'other']);
    await a.set('100%_done', 1);
    expect((await a.list('100%')).map((e) => e.key)).toEqual(['100%_done']);
    await expect(a.set('', 1)).rejects.toThrow(/alpha store key/);
  });

  it('updates atomically: concurrent increments are never lost', async () => {
    const store = createPluginStore(t.mdm.database, 'counter');
    await Promise.all(Array.from({ length: 25 }, () => store.update<number>('n', (n) => (n ?? 0) + 1)));
    expect(await store.get('n')).toBe(25);
    expect(await store.update('n', () => undefined)).toBeUndefined();
    expect(await store.get('n')).toBeUndefined();
  });
});
