import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Parses `input` with `schema`, throwing a ValidationError with field paths on failure. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, context?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error, context);
  return result.data;
}
