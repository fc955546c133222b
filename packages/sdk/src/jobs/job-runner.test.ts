import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { JobRunner } from './job-runner.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JobRunner', () => {
  it('runs jobs on their interval without overlapping and stops cleanly', async () => {
    const runner = new JobRunner(silentLogger);
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    runner.add({
      name: 'slow',
      intervalMs: 10,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(30);
        runs++;
        active--;
        return 1;
      },
    });
    runner.start();
    await sleep(200);
    const stopping = runner.stop();
    expect(runner.running).toBe(false);
    await stopping;
    expect(active).toBe(0);
    expect(maxActive).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
    const after = runs;
    await sleep(80);
    expect(runs).toBe(after);
    expect(runner.status()[0]).toMatchObject({ name: 'slow', runs: after, handled: after, failures: 0 });
  });

  it('keeps going after a failing run and reruns at once while batches are full', async () => {
    const runner = new JobRunner(silentLogger);
    let calls = 0;
    runner.add({
      name: 'flaky',
      intervalMs: 20,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('database went away');
        return 0;
      },
    });
    const backlog = [100, 100, 100, 3];
    const handledAt: number[] = [];
    runner.add({
      name: 'backlog',
      intervalMs: 60_000,
      batchSize: 100,
      run: async () => {
        handledAt.push(Date.now());
        return backlog.shift() ?? 0;
      },
    });
    runner.start();
    runner.kick('backlog');
    await sleep(400);
    await runner.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
    const flaky = runner.status().find((s) => s.name === 'flaky')!;
    expect(flaky.failures).toBe(1);
    expect(flaky.lastError).toBeNull();
    expect(handledAt).toHaveLength(4);
    expect(runner.status().find((s) => s.name === 'backlog')!.handled).toBe(303);
  });

  it('runs a job once on demand, for hosts that schedule jobs themselves', async () => {
    const runner = new JobRunner(silentLogger);
    runner.add({ name: 'once', intervalMs: 1000, run: async () => 7 });
    expect(await runner.runOnce('once')).toBe(7);
    await expect(runner.runOnce('nope')).rejects.toThrow(/unknown job nope; known: once/);
    expect(() => runner.add({ name: 'once', intervalMs: 1, run: async () => 0 })).toThrow(/twice/);
  });
});
