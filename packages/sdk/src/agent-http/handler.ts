import { sql } from 'drizzle-orm';
import type { MDMInstance } from '../create-mdm.js';
import { AgentHttpError } from './http-error.js';
import { FixedWindowRateLimiter } from './rate-limit.js';
import { parseJsonBody } from './read-body.js';
import { type AgentReply, webResponse } from './reply.js';
import { type AgentRequestView, webRequestView } from './request-view.js';
import { errorReply, json, ok, refusal, wantsV2 } from './respond.js';

export interface AgentHandlerOptions {
  /** Where the routes live: `/mdm` serves `/mdm/agent/heartbeat`, `/mdm/healthz` … (default: none). */
  basePath?: string;
  /** Largest accepted request body in bytes (default 1 MiB; a 5,000-app heartbeat is about 500 KB). */
  maxBodyBytes?: number;
  /** Enrolment requests (challenge and enroll, counted apart) per client IP and window; `false` turns it off. */
  enrollRateLimit?: { max: number; windowSeconds: number } | false;
  /** Advertised as `serverUrl` in the enroll response (default: the request's origin + basePath). */
  serverUrl?: string;
  /** Take the client IP from the first `X-Forwarded-For` hop (only behind a proxy you run). */
  trustProxy?: boolean;
}

/** What the host knows about the connection, e.g. `{ clientIp: req.socket.remoteAddress }`. */
export interface AgentRequestInfo {
  clientIp?: string | null;
  /** The body, when the host already buffered it (`toNodeListener` does); `request.body` is then not read. */
  body?: Uint8Array | null;
}

export type AgentHandler = (request: Request, info?: AgentRequestInfo) => Promise<Response>;

/** Every request as a view, every answer as a reply: what both the Web handler and the Node mount call. */
export type AgentDispatch = (request: AgentRequestView) => Promise<AgentReply>;

const dispatchers = new WeakMap<AgentHandler, AgentDispatch>();

/** The dispatcher behind a handler made by `createAgentHandler` (undefined for any other function). */
export function agentDispatchOf(handler: AgentHandler): AgentDispatch | undefined {
  return dispatchers.get(handler);
}

/** The plugin agent-route table, when the instance has one (src/plugins). */
interface PluginRoutes {
  match(
    method: string,
    path: string,
  ): {
    auth: 'device' | 'none';
    handle(input: { request: Request; deviceId: string | null }): Promise<Response>;
  } | null;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const commandAction = /^\/agent\/commands\/([^/]+)\/(ack|complete|fail)$/;

/**
 * The agent's HTTP surface (spec §2) as one Web-standard handler: mount it under any prefix in Hono, Next,
 * Express (through `toNodeListener`) or `node:http`. It answers every request itself; bad input is always a
 * 4xx (or a v2 envelope), never a 5xx.
 */
export function createAgentHandler(mdm: MDMInstance, options: AgentHandlerOptions = {}): AgentHandler {
  const base = normaliseBase(options.basePath ?? '');
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const limit = options.enrollRateLimit ?? { max: 60, windowSeconds: 60 };
  const limiter = limit ? new FixedWindowRateLimiter(limit.max, limit.windowSeconds * 1000) : null;
  const agent = mdm.agent;

  function clientIp(request: AgentRequestView): string {
    if (options.trustProxy) {
      const forwarded = request.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (forwarded) return forwarded;
    }
    return request.clientIp ?? 'unknown';
  }

  function rateLimit(bucket: string, request: AgentRequestView): void {
    const wait = limiter?.take(`${bucket}:${clientIp(request)}`) ?? 0;
    if (wait > 0) {
      throw new AgentHttpError(429, 'RATE_LIMITED', 'Too many enrollment requests; try again later', {
        'retry-after': String(wait),
      });
    }
  }

  async function body(request: AgentRequestView): Promise<unknown> {
    return parseJsonBody(await request.text(maxBody));
  }

  async function device(request: AgentRequestView): Promise<string> {
    return (await agent.authenticate(bearer(request))).deviceId;
  }

  /**
   * The heartbeat path: the token is checked without the database (cached signature); the device's
   * status is checked inside the heartbeat's own statement.
   */
  async function tokenDevice(request: AgentRequestView): Promise<{ deviceId: string; generation: number }> {
    const token = bearer(request);
    try {
      return await agent.verifyAccessToken(token ?? '');
    } catch (error) {
      // Always throws: it tells a device that must refresh from one that is blocked or gone.
      await agent.authenticate(token);
      throw error;
    }
  }

  async function route(request: AgentRequestView, path: string, v2: boolean): Promise<AgentReply> {
    const method = request.method;
    const only = (...allowed: string[]) => {
      if (!allowed.includes(method)) {
        throw new AgentHttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here`, {
          allow: allowed.join(', '),
        });
      }
    };
    switch (path) {
      case '/healthz':
        only('GET', 'HEAD');
        return json(200, { ok: true });
      case '/readyz':
        only('GET', 'HEAD');
        try {
          await mdm.database.db.execute(sql`select 1`);
          return json(200, { ok: true });
        } catch {
          return json(503, { ok: false });
        }
      case '/agent/enroll/challenge':
        only('GET');
        rateLimit('challenge', request);
        // Bare, never enveloped: the agent reads `challenge` straight from the body (spec §3.3).
        return json(200, await agent.issueChallenge());
      case '/agent/enroll': {
        only('POST');
        rateLimit('enroll', request);
        const result = await agent.enroll(await body(request), {
          ip: clientIp(request),
          serverUrl: options.serverUrl ?? `${request.origin}${base}`,
        });
        const { reenrolled: _r, method: _m, ...wire } = result;
        return ok(v2, dropNulls(wire), 201);
      }
      case '/agent/heartbeat': {
        only('POST');
        const { deviceId, generation } = await tokenDevice(request);
        return ok(v2, await agent.heartbeat(deviceId, await body(request), generation));
      }
      case '/agent/refresh-token':
        only('POST');
        return ok(v2, await agent.refreshToken(await body(request)));
      case '/agent/push-token': {
        only('POST', 'DELETE');
        const deviceId = await device(request);
        const payload = await body(request);
        if (method === 'POST') await agent.registerPushToken(deviceId, payload);
        else await agent.removePushToken(deviceId, payload);
        return ok(v2, { success: true });
      }
      case '/agent/events': {
        only('POST');
        const deviceId = await device(request);
        await agent.recordEvent(deviceId, await body(request));
        return ok(v2, { success: true });
      }
      case '/agent/config':
        only('GET');
        return ok(v2, await agent.deviceConfig(await device(request)));
      case '/agent/commands/pending':
        only('GET');
        return ok(v2, await agent.pendingCommands(await device(request)));
    }
    const command = commandAction.exec(path);
    if (command) {
      only('POST');
      const deviceId = await device(request);
      const commandId = decodeSegment(command[1]!);
      if (command[2] === 'ack') await agent.acknowledge(deviceId, commandId);
      else if (command[2] === 'complete') await agent.complete(deviceId, commandId, await body(request));
      else await agent.fail(deviceId, commandId, await body(request));
      return ok(v2, { success: true });
    }
    if (path.startsWith('/agent/')) {
      const plugins = (mdm as MDMInstance & { agentRoutes?: PluginRoutes }).agentRoutes;
      const match = plugins?.match(method, path.slice('/agent'.length));
      if (match) {
        const deviceId = match.auth === 'device' ? await device(request) : null;
        return { response: await match.handle({ request: request.webRequest(), deviceId }) };
      }
    }
    throw new AgentHttpError(404, 'ROUTE_NOT_FOUND', `No agent route for ${method} ${path}`);
  }

  const dispatch: AgentDispatch = async (request) => {
    const v2 = wantsV2(request);
    try {
      const { pathname } = request;
      if (base && pathname !== base && !pathname.startsWith(`${base}/`)) {
        throw new AgentHttpError(404, 'ROUTE_NOT_FOUND', `No agent route for ${pathname}`);
      }
      return await route(request, pathname.slice(base.length) || '/', v2);
    } catch (error) {
      if (refusal(error) === null) {
        mdm.logger.error(
          { err: error, method: request.method, path: request.pathname },
          'agent request failed',
        );
      }
      return errorReply(error, v2);
    }
  };
  const handler: AgentHandler = async (request, info) =>
    webResponse(await dispatch(webRequestView(request, info)));
  dispatchers.set(handler, dispatch);
  return handler;
}

function bearer(request: AgentRequestView): string | null {
  const header = request.header('authorization');
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}

function normaliseBase(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** A percent-encoded path segment; a malformed one is an id that exists nowhere. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Gson treats absent and null alike; absent keys keep the agent's DTO defaults and the body small. */
function dropNulls<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as Partial<T>;
}
