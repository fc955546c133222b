import { AsyncLocalStorage } from 'node:async_hooks';

/** Who performs an admin action and on what: the part every audit record of the action shares. */
export interface AuditSubject {
  actorId: string;
  tenantId: string | null;
  /** Stable name of the action, e.g. `devices.block`. */
  action: string;
  targetType: string | null;
  /** Null until known: for a create, the id is read from the events of the transaction that writes the record. */
  targetId: string | null;
  /** A redacted, size-capped summary of the input (see `summarizeInput`). */
  input: unknown;
  requestId: string | null;
}

/** One running admin action, set by the admin front end (the tRPC router) around a mutation. */
export interface AuditScope extends AuditSubject {
  /** Set once a transaction of this action took the record on; later transactions do not write another. */
  claimed: boolean;
  /** Set when the action has finished: work it started in the background is not attributed to it. */
  closed: boolean;
}

const storage = new AsyncLocalStorage<AuditScope>();

export type AuditScopeInit = Omit<AuditScope, 'claimed' | 'closed' | 'targetId'> & {
  targetId?: string | null;
};

/** Runs `fn` as one audited admin action: the first transaction it commits writes the audit record. */
export async function runInAuditScope<T>(
  init: AuditScopeInit,
  fn: (scope: AuditScope) => Promise<T>,
): Promise<T> {
  const scope: AuditScope = { ...init, targetId: init.targetId ?? null, claimed: false, closed: false };
  try {
    return await storage.run(scope, () => fn(scope));
  } finally {
    scope.closed = true;
  }
}

/** The audit scope of the admin action running in this async context, if any and still open. */
export function currentAuditScope(): AuditScope | undefined {
  const scope = storage.getStore();
  return scope && !scope.closed ? scope : undefined;
}
