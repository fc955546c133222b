import { expect, it } from 'vitest';
import { Prng } from './prng.js';

it('is reproducible, stays in range, and derives independent streams', () => {
  const a = new Prng(123);
  const b = new Prng(123);
  const values = Array.from({ length: 1000 }, () => a.next());
  expect(Array.from({ length: 1000 }, () => b.next())).toEqual(values);
  for (const value of values) {
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThan(1);
  }
  const rng = new Prng(5);
  for (let i = 0; i < 1000; i++) {
    const n = rng.int(3, 7);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n).toBeLessThanOrEqual(7);
  }
  expect(rng.hex(16)).toMatch(/^[0-9a-f]{16}$/);
  expect(Prng.derive(1, 0).next()).not.toBe(Prng.derive(1, 1).next());
  expect(Prng.derive(1, 0).next()).toBe(Prng.derive(1, 0).next());
  expect(rng.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  expect(() => rng.pick([])).toThrow(RangeError);
});
