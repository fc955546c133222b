import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MDMInstance } from '@openmdm/sdk';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import { initTRPC, TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import { z } from 'zod';
import { createMDMRouter, type MDMActor, mdmErrorData } from '../src/index.js';

/**
 * A realistic host: its own tRPC instance (superjson, its own context, auth middleware and error formatter)
 * that merges the MDM router next to its own procedures. Login is faked with an `x-user` header naming one of
 * the users below.
 */
export interface HostUser {
  id: string;
  role: 'viewer' | 'operator' | 'admin';
  tenant: string;
}

export const hostUsers = {
  viewer: { id: 'user-viewer', role: 'viewer', tenant: 'acme' },
  operator: { id: 'user-operator', role: 'operator', tenant: 'acme' },
  admin: { id: 'user-admin', role: 'admin', tenant: 'acme' },
  otherAdmin: { id: 'user-other-admin', role: 'admin', tenant: 'globex' },
} as const satisfies Record<string, HostUser>;

export type HostUserName = keyof typeof hostUsers;

export interface HostContext {
  user: HostUser | null;
  requestId: string;
}

export function hostContext(headers: { get(name: string): string | null | undefined }): HostContext {
  const name = headers.get('x-user');
  return {
    user: name && Object.hasOwn(hostUsers, name) ? hostUsers[name as HostUserName] : null,
    requestId: headers.get('x-request-id') ?? randomUUID(),
  };
}

export function createHostRouter(mdm: MDMInstance) {
  const t = initTRPC.context<HostContext>().create({
    transformer: superjson,
    errorFormatter: ({ shape, error }) => ({
      ...shape,
      data: {
        ...shape.data,
        formattedBy: 'host',
        zodIssues:
          error.cause instanceof z.ZodError
            ? error.cause.issues.map((i) => ({ path: i.path, message: i.message }))
            : null,
        mdm: mdmErrorData(error),
      },
    }),
    sse: { ping: { enabled: true, intervalMs: 500 }, client: { reconnectAfterInactivityMs: 2000 } },
  });
  const withTiming = t.procedure.use(({ ctx, next }) => next({ ctx: { ...ctx, startedAt: Date.now() } }));
  const signedIn = t.procedure.use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next({ ctx: { user: ctx.user } });
  });
  return t.router({
    health: t.procedure.query(() => ({ ok: true as const })),
    whoami: signedIn.query(({ ctx }) => ({ id: ctx.user.id })),
    admin: {
      mdm: createMDMRouter({
        mdm,
        procedure: withTiming,
        getActor: (ctx): MDMActor | null =>
          ctx.user ? { id: ctx.user.id, roles: [ctx.user.role], tenantId: ctx.user.tenant } : null,
        getRequestId: (ctx) => ctx.requestId,
        enrollment: {
          serverUrl: 'https://mdm.example.test/mdm',
          agentApk: {
            url: 'https://downloads.example.test/openmdm-agent.apk',
            sha256: 'a'.repeat(64),
          },
        },
        events: { pollIntervalMs: 60_000 },
      }),
    },
  });
}

export type HostRouter = ReturnType<typeof createHostRouter>;

export interface HostServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the host router over real HTTP on 127.0.0.1 (a given port, to restart on the same address). */
export async function serveHost(router: HostRouter, port = 0): Promise<HostServer> {
  const handler = createHTTPHandler({
    router,
    createContext: ({ req }) => hostContext({ get: (name) => [req.headers[name]].flat()[0] ?? null }),
  });
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/trpc')) {
      req.url = req.url.slice('/trpc'.length) || '/';
      handler(req, res);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/trpc`,
    port: actual,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type HostClient = TRPCClient<HostRouter>;

/** A real tRPC client: batched HTTP for queries and mutations, SSE for subscriptions, logged in as `user`. */
export function hostClient(url: string, user?: HostUserName, requestId?: () => string): HostClient {
  const headers = (): Record<string, string> => ({
    ...(user ? { 'x-user': user } : {}),
    ...(requestId ? { 'x-request-id': requestId() } : {}),
  });
  return createTRPCClient<HostRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers() } }),
          }),
        }),
        false: httpBatchLink({ url, transformer: superjson, headers }),
      }),
    ],
  });
}
