import { expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

it('never runs more than the limit at once and runs everything', async () => {
  const semaphore = new Semaphore(3);
  let running = 0;
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      semaphore.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        return i;
      }),
    ),
  );
  expect(peak).toBe(3);
  expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  expect(semaphore.running).toBe(0);
});

it('releases its slot when a task throws', async () => {
  const semaphore = new Semaphore(1);
  await expect(semaphore.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
  await expect(semaphore.run(() => Promise.resolve(1))).resolves.toBe(1);
});
