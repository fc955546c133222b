import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A sortable unique id: `prefix_` + 10 chars of millisecond time + 16 random chars (Crockford base32).
 * Ids created later sort later, which keeps keyset pagination and indexes friendly.
 */
export function newId(prefix: string): string {
  let time = Date.now();
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = '';
  for (const byte of bytes) tail += CROCKFORD[byte % 32];
  return `${prefix}_${head}${tail}`;
}

export const idSchemaMax = 64;
