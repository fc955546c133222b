import type { HttpBindings } from '@hono/node-server';
import { type AgentHandlerOptions, createAgentHandler, type MDMInstance } from '@openmdm/sdk';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Hono } from 'hono';
import { createAdminRouter, hostContext } from './admin-router.js';
import { createDemoApk } from './demo-apk.js';

export interface HostAppOptions {
  mdm: MDMInstance;
  /** Where the agent routes live; the agent is provisioned with `<origin><agentBasePath>`. */
  agentBasePath?: string;
  /** Enrolment requests per client IP and window (default 60 a minute); `false` turns the limit off. */
  enrollRateLimit?: AgentHandlerOptions['enrollRateLimit'];
}

/**
 * The host's own HTTP app. OpenMDM adds one mount (the agent routes); everything else is the host's.
 */
export function createHostApp({ mdm, agentBasePath = '/mdm', enrollRateLimit }: HostAppOptions) {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const agent = createAgentHandler(mdm, {
    basePath: agentBasePath,
    ...(enrollRateLimit !== undefined ? { enrollRateLimit } : {}),
  });
  const apk = createDemoApk();
  const adminRouter = createAdminRouter(mdm);

  app.get('/', (c) =>
    c.json({
      service: 'openmdm example host',
      agentRoutes: `${agentBasePath}/agent/*`,
      health: `${agentBasePath}/healthz`,
      admin: '/trpc (tRPC, Authorization: Bearer demo-admin)',
    }),
  );
  app.all('/trpc/*', (c) =>
    fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router: adminRouter,
      createContext: ({ req }) => hostContext(req),
    }),
  );
  app.get(
    '/files/demo.apk',
    () =>
      new Response(new Uint8Array(apk.bytes), {
        headers: { 'content-type': 'application/vnd.android.package-archive' },
      }),
  );
  app.all(`${agentBasePath}/*`, (c) =>
    agent(c.req.raw, { clientIp: c.env?.incoming?.socket.remoteAddress ?? null }),
  );

  return { app, apk };
}
