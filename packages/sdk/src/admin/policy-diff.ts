export type SettingsChangeKind = 'added' | 'removed' | 'changed';

export interface SettingsChange {
  /** Path of the changed value, e.g. `['wifiNetworks', 0, 'ssid']`. */
  path: (string | number)[];
  kind: SettingsChangeKind;
  before?: unknown;
  after?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The leaf-level differences between two policy settings (or any JSON values), in key order. */
export function diffSettings(
  before: unknown,
  after: unknown,
  path: (string | number)[] = [],
): SettingsChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const inBefore = key in before && before[key] !== undefined;
      const inAfter = key in after && after[key] !== undefined;
      if (!inBefore) return [{ path: [...path, key], kind: 'added' as const, after: after[key] }];
      if (!inAfter) return [{ path: [...path, key], kind: 'removed' as const, before: before[key] }];
      return diffSettings(before[key], after[key], [...path, key]);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: SettingsChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length) changes.push({ path: [...path, i], kind: 'added', after: after[i] });
      else if (i >= after.length) changes.push({ path: [...path, i], kind: 'removed', before: before[i] });
      else changes.push(...diffSettings(before[i], after[i], [...path, i]));
    }
    return changes;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, kind: 'changed', before, after }];
}
