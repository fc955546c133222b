import { ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AgentRoute, AgentRouteMethod, AgentRouteResult, PluginContext } from './types.js';

const methods: readonly AgentRouteMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const pathPattern = /^(\/(:?[A-Za-z0-9._~-]+))+$/;

interface CompiledRoute {
  plugin: string;
  route: AgentRoute;
  segments: string[];
  context: PluginContext;
}

/** A route of the table that matched a request; the agent handler authenticates and then calls `handle`. */
export interface AgentRouteMatch {
  plugin: string;
  method: AgentRouteMethod;
  path: string;
  /** `device`: authenticate the Bearer token first and pass the device id to `handle`. */
  auth: 'device' | 'none';
  params: Record<string, string>;
  /** Parses and validates the JSON body, runs the plugin's handler and returns its Response. */
  handle(input: { request: Request; deviceId: string | null }): Promise<Response>;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function toResponse(result: AgentRouteResult): Response {
  if (result instanceof Response) return result;
  return json(result.status ?? 200, result.body ?? null);
}

/**
 * The agent routes plugins contribute. The agent HTTP handler consults it for any path it does not serve
 * itself: `mdm.agentRoutes.match(request.method, pathBelowAgentBase)`.
 */
export class AgentRouteTable {
  private readonly routes: CompiledRoute[] = [];

  constructor(private readonly logger: Logger) {}

  /** Registers a plugin's routes; a malformed or duplicate route fails start-up with a ValidationError. */
  add(plugin: string, route: AgentRoute, context: PluginContext): void {
    const where = `plugin ${plugin}: agent route ${route.method} ${route.path}`;
    if (!methods.includes(route.method)) {
      throw new ValidationError(`${where}: unsupported method`, [
        { path: ['method'], message: 'unsupported method' },
      ]);
    }
    if (!pathPattern.test(route.path)) {
      throw new ValidationError(`${where}: the path must look like /name/:param`, [
        { path: ['path'], message: 'must look like /name/:param' },
      ]);
    }
    const segments = route.path.split('/').slice(1);
    const shape = segments.map((s) => (s.startsWith(':') ? ':' : s)).join('/');
    const clash = this.routes.find(
      (r) =>
        r.route.method === route.method &&
        r.segments.map((s) => (s.startsWith(':') ? ':' : s)).join('/') === shape,
    );
    if (clash) {
      throw new ValidationError(`${where}: already registered by plugin ${clash.plugin}`, [
        { path: ['path'], message: 'duplicate route' },
      ]);
    }
    this.routes.push({ plugin, route, segments, context });
  }

  /** Every registered route, for documentation and for handlers that build a router up front. */
  list(): { plugin: string; method: AgentRouteMethod; path: string; auth: 'device' | 'none' }[] {
    return this.routes.map(({ plugin, route }) => ({
      plugin,
      method: route.method,
      path: route.path,
      auth: route.auth ?? 'device',
    }));
  }

  /** The route serving `method path` (path below the agent base, e.g. `/kiosk/exit`), or null. */
  match(method: string, path: string): AgentRouteMatch | null {
    const parts = path.split('?')[0]!.replace(/\/+$/, '').split('/').slice(1);
    for (const compiled of this.routes) {
      if (compiled.route.method !== method.toUpperCase() || compiled.segments.length !== parts.length)
        continue;
      const params: Record<string, string> = {};
      const hit = compiled.segments.every((segment, i) => {
        const part = parts[i]!;
        if (segment.startsWith(':')) {
          try {
            params[segment.slice(1)] = decodeURIComponent(part);
          } catch {
            return false;
          }
          return part.length > 0;
        }
        return segment === part;
      });
      if (hit) return this.matchOf(compiled, params);
    }
    return null;
  }

  private matchOf(compiled: CompiledRoute, params: Record<string, string>): AgentRouteMatch {
    const { plugin, route, context } = compiled;
    const logger = this.logger;
    return {
      plugin,
      method: route.method,
      path: route.path,
      auth: route.auth ?? 'device',
      params,
      async handle({ request, deviceId }) {
        if ((route.auth ?? 'device') === 'device' && !deviceId) {
          return json(401, { error: 'device authentication required', code: 'UNAUTHORIZED' });
        }
        let body: unknown;
        if (route.method !== 'GET' && route.method !== 'DELETE') {
          const text = await request.text();
          if (text.length > 0) {
            try {
              body = JSON.parse(text);
            } catch {
              return json(400, { error: 'the body is not valid JSON', code: 'VALIDATION_ERROR' });
            }
          }
        }
        if (route.body) {
          const parsed = route.body.safeParse(body ?? {});
          if (!parsed.success) {
            const error = ValidationError.fromZod(parsed.error, `${route.method} ${route.path}`);
            return json(400, { error: error.message, code: error.code, issues: error.issues });
          }
          body = parsed.data;
        }
        try {
          return toResponse(await route.handler({ request, deviceId, params, body }, context));
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (typeof code === 'string' && error instanceof Error) {
            const status = code === 'NOT_FOUND' ? 404 : code === 'VALIDATION_ERROR' ? 400 : 409;
            return json(status, {
              error: error.message,
              code,
              details: (error as { details?: unknown }).details,
            });
          }
          logger.error({ err: error, plugin, route: route.path }, 'plugin agent route failed');
          return json(500, { error: 'internal error', code: 'INTERNAL' });
        }
      },
    };
  }
}
