import type { z } from 'zod';
import type { MDMPlugin } from '../config.js';
import type { AdminOperation, AgentRoute } from './types.js';

/** Identity helpers that keep a plugin's own types (input schemas, handler results) when declaring it. */
export function definePlugin<P extends MDMPlugin>(plugin: P): P {
  return plugin;
}

export function adminOperation<S extends z.ZodType, O>(
  operation: AdminOperation<S, O>,
): AdminOperation<S, O> {
  return operation;
}

export function agentRoute<S extends z.ZodType>(route: AgentRoute<S>): AgentRoute<S> {
  return route;
}
