const SECRET_KEY = /secret|password|passphrase|token|credential|private/i;
const MAX_STRING = 256;
const MAX_ITEMS = 20;
const MAX_DEPTH = 5;

/**
 * A copy of an action's input that is safe and small enough to keep in the audit log: values of keys that look
 * like secrets are replaced, long strings and arrays are cut, deep nesting is elided.
 */
export function summarizeInput(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return String(value);
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => summarizeInput(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : summarizeInput(item, depth + 1);
  }
  return out;
}
