import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('forgets the entry written longest ago once past its limit, one at a time', () => {
    const map = new BoundedMap<string, number>(3);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    map.set('a', 10); // rewritten: now the newest
    map.set('d', 4);
    expect(map.size).toBe(3);
    expect([map.get('a'), map.get('b'), map.get('c'), map.get('d')]).toEqual([10, undefined, 3, 4]);
    map.delete('c');
    expect(map.size).toBe(2);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
    expect(() => new BoundedMap(1.5)).toThrow(RangeError);
  });
});
