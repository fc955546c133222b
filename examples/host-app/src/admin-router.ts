import type { MDMInstance } from '@openmdm/sdk';
import { createMDMRouter, type MDMActor } from '@openmdm/trpc';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';

/**
 * The host's own tRPC app. Its login is its business: here a bearer token names a demo user. OpenMDM only
 * asks who the caller is (`getActor`) and nests its procedures under `mdm`.
 */
export interface HostUser {
  id: string;
  role: 'viewer' | 'operator' | 'admin';
}

export interface HostContext {
  user: HostUser | null;
}

/** Demo logins; a real host checks its own sessions. */
const demoTokens: Record<string, HostUser> = {
  'demo-admin': { id: 'demo-admin', role: 'admin' },
  'demo-operator': { id: 'demo-operator', role: 'operator' },
  'demo-viewer': { id: 'demo-viewer', role: 'viewer' },
};

export function hostContext(request: Request): HostContext {
  const token = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
  return { user: demoTokens[token] ?? null };
}

export function createAdminRouter(mdm: MDMInstance) {
  const t = initTRPC.context<HostContext>().create({ transformer: superjson });
  return t.router({
    health: t.procedure.query(() => ({ ok: true as const })),
    mdm: createMDMRouter({
      mdm,
      procedure: t.procedure,
      getActor: (ctx): MDMActor | null => (ctx.user ? { id: ctx.user.id, roles: [ctx.user.role] } : null),
    }),
  });
}

export type AdminRouter = ReturnType<typeof createAdminRouter>;
