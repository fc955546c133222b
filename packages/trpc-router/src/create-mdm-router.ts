import { apkChecksum, type EventFeedOptions, type MDMInstance } from '@openmdm/sdk';
import type { ProvisioningOptions } from './enrollment-options.js';
import { createAuthorizer, type MDMActor, type PermissionOptions } from './permissions.js';
import {
  type AnyHostProcedureBuilder,
  createMDMMiddleware,
  type inferHostContext,
  type MDMProcedureBuilder,
  type MiddlewareSettings,
} from './procedure.js';
import { buildMDMProcedures, type MDMProcedures } from './router.js';

export interface CreateMDMRouterOptions<TProcedure extends AnyHostProcedureBuilder> {
  mdm: MDMInstance;
  /**
   * The host's own base procedure (e.g. `t.procedure`, or one with its auth middleware): the MDM procedures
   * are built on it, so the host's context, transformer, error formatter and middleware apply to them.
   */
  procedure: TProcedure;
  /** Maps the host's context to the caller, or null when nobody is signed in (UNAUTHORIZED). */
  getActor: (
    ctx: inferHostContext<TProcedure>,
  ) => MDMActor | null | undefined | Promise<MDMActor | null | undefined>;
  /** The host's request id, written to the audit log. */
  getRequestId?: (ctx: inferHostContext<TProcedure>) => string | null | undefined;
  /** Override or extend the built-in roles, or take the final decision on every permission check. */
  permissions?: PermissionOptions;
  /** Needed by `enrollment.createProvisioning`: where devices reach the server and download the agent. */
  enrollment?: ProvisioningOptions;
  /** Tuning of the live event feed behind `events.stream` (the first router of an MDM instance sets it). */
  events?: EventFeedOptions;
}

/**
 * The MDM admin procedures, built on the host's procedure. Nest them anywhere in the host's router:
 *
 * ```ts
 * const appRouter = t.router({
 *   ...ownProcedures,
 *   mdm: createMDMRouter({ mdm, procedure: t.procedure, getActor: (ctx) => ctx.user && { id: ctx.user.id, roles: ctx.user.roles } }),
 * });
 * ```
 */
export function createMDMRouter<TProcedure extends AnyHostProcedureBuilder>(
  options: CreateMDMRouterOptions<TProcedure>,
): MDMProcedures {
  if (options.enrollment?.agentApk.sha256) apkChecksum(options.enrollment.agentApk.sha256);
  const settings: MiddlewareSettings = {
    mdm: options.mdm,
    authorize: createAuthorizer(options.permissions),
    enrollment: options.enrollment ?? null,
    events: options.events ?? {},
    getActor: options.getActor as MiddlewareSettings['getActor'],
    getRequestId: options.getRequestId as MiddlewareSettings['getRequestId'],
  };
  const host = options.procedure as unknown as { use(middleware: unknown): MDMProcedureBuilder };
  return buildMDMProcedures(host.use(createMDMMiddleware(settings)));
}
