import { expect, it } from 'vitest';
import { formatAgentTimestamp } from './timestamp.js';

it('formats UTC with exactly three fractional digits and a literal Z', () => {
  expect(formatAgentTimestamp(Date.UTC(2025, 0, 15, 10, 30, 0, 123))).toBe('2025-01-15T10:30:00.123Z');
  expect(formatAgentTimestamp(Date.UTC(2025, 0, 15, 10, 30, 0, 0))).toBe('2025-01-15T10:30:00.000Z');
});
