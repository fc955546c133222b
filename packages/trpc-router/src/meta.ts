import type { MDMPermission } from './permissions.js';

/** What an MDM procedure declares about itself, under `meta.openmdm`. */
export interface MDMProcedureMeta {
  /** The permission an actor needs to call the procedure. */
  permission: MDMPermission;
  /** Needed as well when the call is destructive (a wipe or factory reset). */
  destructivePermission?: MDMPermission;
  /** What a mutation acts on, for the audit log; the id is read from the input key `idKey` (default `id`). */
  audit?: { target: string; idKey?: string };
}

/** The procedure metadata the router sets; namespaced so it never collides with the host's own keys. */
export interface MDMMeta {
  openmdm?: MDMProcedureMeta;
}

export function mdmMeta(meta: MDMProcedureMeta): MDMMeta {
  return { openmdm: meta };
}

/** The MDM metadata of a built procedure, e.g. to list the permission of every procedure in a UI. */
export function getMDMMeta(procedure: { _def: { meta?: unknown } }): MDMProcedureMeta | undefined {
  return (procedure._def.meta as MDMMeta | undefined)?.openmdm;
}
