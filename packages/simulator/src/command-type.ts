/** Types `executeCommandImmediately` runs with a single ack (`CommandWorker.CRITICAL_COMMANDS`). */
export const CRITICAL_COMMAND_TYPES: ReadonlySet<string> = new Set([
  'wipe',
  'lock',
  'factoryReset',
  'shutdown',
  'reboot',
]);

/**
 * `normalizeCommandType`: a type containing `_` is turned from snake_case into camelCase
 * (first word lowercased, later words get an uppercase first letter); other types are unchanged.
 */
export function normalizeCommandType(type: string): string {
  if (!type.includes('_')) return type;
  return type
    .split('_')
    .map((word, index) => (index === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
}

export function isCriticalCommandType(normalizedType: string): boolean {
  return CRITICAL_COMMAND_TYPES.has(normalizedType);
}
