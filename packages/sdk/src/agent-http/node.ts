import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AgentHandler, agentDispatchOf } from './handler.js';
import { writeNodeReply, writeWebResponse } from './reply.js';
import { nodeRequestView } from './request-view.js';

export interface NodeListenerOptions {
  /** Bytes buffered from the request before the handler sees it; keep it above the handler's `maxBodyBytes`. */
  maxBodyBytes?: number;
}

/**
 * Adapts a Web handler to `node:http` (and so to Express: `app.use('/mdm', toNodeListener(handler))` with
 * the handler's `basePath` set to `/mdm`, or mount it on the bare server). The client IP is the socket's.
 * A handler from `createAgentHandler` is served straight from the Node request and response, without Web
 * `Request`/`Response` objects in between; any other Web handler goes through them.
 */
export function toNodeListener(
  handler: AgentHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const cap = (options.maxBodyBytes ?? 1024 * 1024) + 1;
  const dispatch = agentDispatchOf(handler);
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
      const body = chunks.length === 0 ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const view = nodeRequestView(req, body, size);
      const method = req.method ?? 'GET';
      const answered = dispatch
        ? dispatch(view).then((reply) => writeNodeReply(res, reply, method))
        : handler(view.webRequest(), { clientIp: view.clientIp, body }).then((response) =>
            writeWebResponse(res, response, method),
          );
      answered.catch(() => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: 'Bad request', code: 'BAD_REQUEST' }));
      });
    });
  };
}
