import {
  type AuditResult,
  type AuditScope,
  auditEntryOf,
  runInAuditScope,
  summarizeInput,
  writeAuditRecord,
} from '@openmdm/sdk';
import { TRPCError, type TRPCProcedureBuilder, type TRPCUnsetMarker } from '@trpc/server';
import { toTRPCError } from './errors.js';
import type { MDMMeta } from './meta.js';
import type { MDMActor } from './permissions.js';
import { MDMRequest, type MDMRouterSettings } from './request.js';

/** The builder every MDM procedure starts from: the host's procedure plus the MDM middleware. */
export type MDMProcedureBuilder = TRPCProcedureBuilder<
  object,
  MDMMeta,
  { openmdm: MDMRequest },
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  false,
  unknown
>;

/** Any procedure builder a host can pass (its base procedure, with its own middleware and context). */
// biome-ignore lint/suspicious/noExplicitAny: the host's context, meta and error shape are its own
export type AnyHostProcedureBuilder = TRPCProcedureBuilder<any, any, any, any, any, any, any, false, any>;

/** The host context a builder carries, after its middlewares. */
export type inferHostContext<TBuilder> =
  // biome-ignore lint/suspicious/noExplicitAny: matching any builder
  TBuilder extends TRPCProcedureBuilder<infer C, any, infer O, any, any, any, any, any, any>
    ? Omit<C, keyof O> & O
    : never;

export interface MiddlewareSettings extends MDMRouterSettings {
  getActor: (ctx: unknown) => MDMActor | null | undefined | Promise<MDMActor | null | undefined>;
  getRequestId?: ((ctx: unknown) => string | null | undefined) | undefined;
}

interface MiddlewareOptions {
  ctx: unknown;
  meta: MDMMeta | undefined;
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  getRawInput: () => Promise<unknown>;
  next: (opts: { ctx: { openmdm: MDMRequest } }) => Promise<MiddlewareResult>;
}

type MiddlewareResult = { ok: true } | { ok: false; error: TRPCError };

/** `devices.block` for `admin.mdm.devices.block`: every MDM procedure sits at `<area>.<verb>`. */
export function actionOf(path: string): string {
  return path.split('.').slice(-2).join('.');
}

/**
 * Authenticates and authorises every call (UNAUTHORIZED without an actor, FORBIDDEN without the permission
 * the procedure declares), scopes it to the actor's tenant, audits mutations, and maps SDK errors to tRPC codes.
 */
export function createMDMMiddleware(settings: MiddlewareSettings) {
  return async (opts: MiddlewareOptions): Promise<MiddlewareResult> => {
    const meta = opts.meta?.openmdm;
    if (!meta) {
      throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `${opts.path} declares no permission` });
    }
    const actor = await settings.getActor(opts.ctx);
    if (!actor) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'authentication required' });
    const request = new MDMRequest(settings, actor, opts.path, settings.getRequestId?.(opts.ctx) ?? null);
    const audited = opts.type === 'mutation';
    const raw = audited ? await opts.getRawInput().catch(() => undefined) : undefined;
    const auditInit = {
      actorId: actor.id,
      tenantId: request.tenantId,
      action: actionOf(opts.path),
      targetType: meta.audit?.target ?? null,
      targetId: targetIdOf(raw, meta.audit?.idKey ?? 'id'),
      input: summarizeInput(raw),
      requestId: request.requestId,
    };
    if (!(await request.can(meta.permission))) {
      if (audited) {
        await record(settings, { ...auditInit, claimed: false, closed: false }, 'denied', 'FORBIDDEN');
      }
      throw new TRPCError({ code: 'FORBIDDEN', message: `missing permission ${meta.permission}` });
    }
    if (!audited) return mapped(await opts.next({ ctx: { openmdm: request } }));
    return runInAuditScope(auditInit, async (audit) => {
      request.audit = audit;
      const result = await opts.next({ ctx: { openmdm: request } });
      if (result.ok) {
        // A mutation whose transactions stored no event (a no-op, or a change without events) has not
        // written its record yet: it is written now, naming what was created when the input could not.
        if (!audit.claimed) {
          audit.targetId ??= audit.targetType ? targetIdOf((result as { data?: unknown }).data, 'id') : null;
          await record(settings, audit, 'success');
        }
        return result;
      }
      const error = toTRPCError(result.error) ?? result.error;
      await record(
        settings,
        audit,
        error.code === 'FORBIDDEN' ? 'denied' : 'error',
        `${error.code}: ${error.message}`,
      );
      return mapped(result);
    });
  };
}

function mapped(result: MiddlewareResult): MiddlewareResult {
  if (result.ok) return result;
  const error = toTRPCError(result.error);
  if (error) throw error;
  return result;
}

function targetIdOf(input: unknown, key: string): string | null {
  const value = (input as Record<string, unknown> | null | undefined)?.[key];
  return typeof value === 'string' ? value : null;
}

/** Writes an audit record in its own transaction; a failure to audit never hides the action's own outcome. */
async function record(settings: MiddlewareSettings, audit: AuditScope, result: AuditResult, error?: string) {
  try {
    await writeAuditRecord(settings.mdm.database.db, auditEntryOf(audit, result, error));
  } catch (cause) {
    settings.mdm.logger.error({ err: cause, action: audit.action }, 'writing the audit record failed');
  }
}
