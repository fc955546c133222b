/**
 * The agent's only timestamp format, `SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")` in UTC:
 * exactly three fractional digits and a literal `Z`, e.g. `2025-01-15T10:30:00.123Z`.
 */
export function formatAgentTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
