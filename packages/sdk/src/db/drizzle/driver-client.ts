import type { MDMExecutor } from '../adapter.js';

/** The driver connection behind a Drizzle transaction (its session's client). */
export function driverClient<C>(executor: MDMExecutor): C {
  const client = (executor as unknown as { session?: { client?: C } }).session?.client;
  if (!client) throw new Error('no driver client behind this executor');
  return client;
}
