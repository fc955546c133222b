import { expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.js';

it('reports percentiles within 1% of the exact values', () => {
  const histogram = new LatencyHistogram();
  for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
  expect(histogram.count).toBe(1000);
  expect(histogram.percentile(50)).toBeGreaterThanOrEqual(500);
  expect(histogram.percentile(50)).toBeLessThanOrEqual(505);
  expect(histogram.percentile(99)).toBeGreaterThanOrEqual(990);
  expect(histogram.percentile(99)).toBeLessThanOrEqual(1000);
  expect(histogram.percentile(100)).toBe(1000);
  expect(histogram.max).toBe(1000);
  expect(histogram.mean).toBeCloseTo(500.5);
});

it('is empty after reset and ignores nonsense', () => {
  const histogram = new LatencyHistogram();
  histogram.record(Number.NaN);
  histogram.record(-1);
  expect(histogram.percentile(50)).toBe(0);
  histogram.record(0);
  expect(histogram.percentile(99)).toBe(0);
  histogram.reset();
  expect(histogram.count).toBe(0);
});
