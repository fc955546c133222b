import { z } from 'zod';

/** `*`, an event name (`device.enrolled`) or a pattern where `*` stands for any run of characters (`device.*`). */
export const eventFilterSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^(\*|[A-Za-z0-9_*-]+(\.[A-Za-z0-9_*-]+)*)$/,
    'must be an event name such as device.enrolled, a pattern such as device.* or *',
  );

export const eventFiltersSchema = z
  .array(eventFilterSchema)
  .min(1, 'give at least one event filter (* for all)')
  .max(100);

/** A predicate over event names for a list of filters (an empty list matches nothing). */
export function compileEventFilters(filters: readonly string[]): (eventType: string) => boolean {
  if (filters.includes('*')) return () => true;
  const exact = new Set(filters.filter((f) => !f.includes('*')));
  const patterns = filters
    .filter((f) => f.includes('*'))
    .map(
      (f) =>
        new RegExp(
          `^${f
            .split('*')
            .map((part) => part.replace(/[.\\^$+?()[\]{}|-]/g, '\\$&'))
            .join('.*')}$`,
        ),
    );
  return (eventType) => exact.has(eventType) || patterns.some((p) => p.test(eventType));
}
