import type { EventFeedOptions, MDMInstance } from '@openmdm/sdk';
import { initTRPC, type TRPCCombinedDataTransformer, type TRPCDataTransformer } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createMDMRouter } from './create-mdm-router.js';
import type { ProvisioningOptions } from './enrollment-options.js';
import { mdmErrorData } from './errors.js';
import type { MDMMeta } from './meta.js';
import type { MDMActor, PermissionOptions } from './permissions.js';

export interface StandaloneMDMRouterOptions {
  mdm: MDMInstance;
  /** Authenticates a request; null when nobody is signed in. */
  getActor: (request: Request) => MDMActor | null | undefined | Promise<MDMActor | null | undefined>;
  getRequestId?: (request: Request) => string | null | undefined;
  /** The wire format of dates and other non-JSON values; the client must use the same (e.g. superjson). */
  transformer: TRPCDataTransformer | TRPCCombinedDataTransformer;
  /** Path the handler is mounted at (default `/trpc`). */
  endpoint?: string;
  permissions?: PermissionOptions;
  enrollment?: ProvisioningOptions;
  events?: EventFeedOptions;
}

/**
 * For hosts without tRPC: the MDM router on its own tRPC instance, and a fetch handler (Web `Request` →
 * `Response`) to mount at `endpoint` in any server. Errors carry `data.mdm` (see `mdmErrorData`).
 */
export function createStandaloneMDMRouter(options: StandaloneMDMRouterOptions) {
  const t = initTRPC
    .context<{ request: Request }>()
    .meta<MDMMeta>()
    .create({
      transformer: options.transformer,
      errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, mdm: mdmErrorData(error) } }),
      sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 45_000 } },
    });
  const router = t.router(
    createMDMRouter({
      mdm: options.mdm,
      procedure: t.procedure,
      getActor: (ctx) => options.getActor(ctx.request),
      getRequestId: (ctx) => options.getRequestId?.(ctx.request),
      permissions: options.permissions,
      enrollment: options.enrollment,
      events: options.events,
    }),
  );
  const endpoint = options.endpoint ?? '/trpc';
  return {
    router,
    /** Handles a request under `endpoint`. */
    fetch: (request: Request) =>
      fetchRequestHandler({ endpoint, req: request, router, createContext: () => ({ request }) }),
  };
}

export type StandaloneMDMRouter = ReturnType<typeof createStandaloneMDMRouter>['router'];
