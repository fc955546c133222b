import type { HttpBindings } from '@hono/node-server';
import { type AgentHandlerOptions, createAgentHandler, type MDMInstance } from '@openmdm/sdk';
import { Hono } from 'hono';
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

  app.get('/', (c) =>
    c.json({
      service: 'openmdm example host',
      agentRoutes: `${agentBasePath}/agent/*`,
      health: `${agentBasePath}/healthz`,
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
