import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentHandler } from './handler.js';

export interface NodeListenerOptions {
  /** Bytes buffered from the request before the handler sees it; keep it above the handler's `maxBodyBytes`. */
  maxBodyBytes?: number;
}

/**
 * Adapts a Web handler to `node:http` (and so to Express: `app.use('/mdm', toNodeListener(handler))` with
 * the handler's `basePath` set to `/mdm`, or mount it on the bare server). The client IP is the socket's.
 */
export function toNodeListener(
  handler: AgentHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const cap = (options.maxBodyBytes ?? 1024 * 1024) + 1;
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      // Past the cap the rest is dropped: the handler sees an oversized body and answers 413.
      if (size < cap) chunks.push(chunk);
      size += chunk.length;
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      void respond(req, res, handler, chunks.length ? Buffer.concat(chunks) : null, size);
    });
  };
}

async function respond(
  req: IncomingMessage,
  res: ServerResponse,
  handler: AgentHandler,
  body: Buffer | null,
  size: number,
): Promise<void> {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === 'content-length') continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    if (body) headers.set('content-length', String(size));
    const method = req.method ?? 'GET';
    // The body travels beside the Request, not in it: a Web body stream costs more than the heartbeat itself.
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
      method,
      headers,
    });
    const response = await handler(request, { clientIp: req.socket.remoteAddress ?? null, body });
    const payload = Buffer.from(await response.arrayBuffer());
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    out['content-length'] = String(payload.length);
    res.writeHead(response.status, out);
    res.end(method === 'HEAD' ? undefined : payload);
  } catch {
    if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: 'Bad request', code: 'BAD_REQUEST' }));
  }
}
