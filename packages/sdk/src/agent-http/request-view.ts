import type { IncomingMessage } from 'node:http';
import { readBody, tooLarge } from './read-body.js';

/**
 * What the agent routes read from a request. A Web `Request` and a buffered `node:http` request both provide
 * it, so the Node mount serves the agent without building Web `Request`/`Response` objects (on the heartbeat
 * path they cost more than the route's own work).
 */
export interface AgentRequestView {
  /** Upper case. */
  readonly method: string;
  readonly pathname: string;
  /** `scheme://host` the request was sent to. */
  readonly origin: string;
  /** The connection's IP address, when the host knows it. */
  readonly clientIp: string | null;
  /** A header by lower-case name, or null. */
  header(name: string): string | null;
  /** The body as UTF-8; more than `limit` bytes is a 413. */
  text(limit: number): Promise<string>;
  /** The same request as a Web `Request` (plugin routes receive one). */
  webRequest(): Request;
}

export function webRequestView(
  request: Request,
  info: { clientIp?: string | null; body?: Uint8Array | null } | undefined,
): AgentRequestView {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    pathname: url.pathname,
    origin: url.origin,
    clientIp: info?.clientIp ?? null,
    header: (name) => request.headers.get(name),
    text: (limit) => readBody(request, limit, info?.body),
    webRequest: () =>
      info?.body ? new Request(request, { body: info.body as Uint8Array<ArrayBuffer> }) : request,
  };
}

/**
 * A path made only of these characters, with no dot segment, is already what the WHATWG URL parser would
 * make of it; anything else (percent escapes, which may spell dots, included) goes through the parser.
 */
const plainPath = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;

/** A `node:http` request whose body has been buffered (`body`, `size` bytes received in all). */
export function nodeRequestView(req: IncomingMessage, body: Buffer | null, size: number): AgentRequestView {
  const raw = req.url ?? '/';
  const query = raw.indexOf('?');
  const path = query < 0 ? raw : raw.slice(0, query);
  const origin = `http://${req.headers.host ?? 'localhost'}`;
  const header = (name: string): string | null => {
    const value = req.headers[name];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    // Dot segments and odd characters go through the URL parser, so both mounts see the same path.
    pathname: plainPath.test(path) && !path.includes('/.') ? path : new URL(raw, 'http://localhost').pathname,
    origin,
    clientIp: req.socket.remoteAddress ?? null,
    header,
    async text(limit) {
      const declared = header('content-length');
      if ((declared !== null && Number(declared) > limit) || size > limit) throw tooLarge(limit);
      return body ? body.toString('utf8') : '';
    },
    webRequest() {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const method = req.method ?? 'GET';
      const hasBody = body !== null && method !== 'GET' && method !== 'HEAD';
      return new Request(`${origin}${raw}`, {
        method,
        headers,
        ...(hasBody ? { body: body as Uint8Array<ArrayBuffer> } : {}),
      });
    },
  };
}
