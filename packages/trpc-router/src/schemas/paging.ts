import { z } from 'zod';

/** Page size of every list procedure: capped so no client can ask for a whole table. */
export const pageLimitSchema = z.number().int().min(1).max(200).default(50);
export const cursorSchema = z.string().min(1).max(512);

/** The paging keys every list procedure accepts (spread into its input). */
export const pageInput = { limit: pageLimitSchema, cursor: cursorSchema.optional() };

/** A page of `item`: the one list output shape. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** A point in time: a Date (with a transformer such as superjson) or an ISO 8601 string with offset. */
export const dateInput = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);

/** Opaque cursors over a monotonic id (events). */
export function encodeIdCursor(id: string): string {
  return Buffer.from(`id:${id}`, 'utf8').toString('base64url');
}

export function decodeIdCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^id:(\d{1,19})$/.exec(text);
  return match ? match[1]! : null;
}
