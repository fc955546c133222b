import { ValidationError } from '../errors.js';

const MAX_DEPTH = 64;

/**
 * Postgres text and jsonb cannot hold U+0000, so a NUL anywhere in agent input would surface as a database
 * error (a 5xx) instead of a validation error. This rejects it up front, with the path where it was found,
 * and bounds the nesting depth of what may be stored as JSON.
 */
export function assertStorableJson(value: unknown, context: string): void {
  const hit = findUnstorable(value, 0);
  if (hit) {
    const at = hit.at.reverse();
    throw new ValidationError(`${context}: ${hit.reason}${at.length ? ` at ${at.join('.')}` : ''}`, [
      { path: at, message: hit.reason },
    ]);
  }
}

/** Depth-first search; the path is built (reversed) only on the way back from a hit. */
function findUnstorable(value: unknown, depth: number): { at: (string | number)[]; reason: string } | null {
  if (typeof value === 'string')
    return value.includes('\u0000') ? { at: [], reason: 'NUL characters are not allowed' } : null;
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return { at: [], reason: `nesting deeper than ${MAX_DEPTH} levels is not allowed` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorable(value[i], depth + 1);
      if (hit) {
        hit.at.push(i);
        return hit;
      }
    }
    return null;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const hit = key.includes('\u0000')
      ? { at: [] as (string | number)[], reason: 'NUL characters are not allowed' }
      : findUnstorable((value as Record<string, unknown>)[key], depth + 1);
    if (hit) {
      hit.at.push(key);
      return hit;
    }
  }
  return null;
}
