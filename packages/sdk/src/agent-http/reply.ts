import type { ServerResponse } from 'node:http';

/** A route's answer: a JSON body with its status, or a whole Web `Response` (from a plugin route). */
export type AgentReply =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | { response: Response };

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function webResponse(reply: AgentReply): Response {
  if ('response' in reply) return reply.response;
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: reply.headers ? { ...jsonHeaders, ...reply.headers } : jsonHeaders,
  });
}

/** Writes a reply on a `node:http` response; a HEAD request gets the headers only. */
export async function writeNodeReply(res: ServerResponse, reply: AgentReply, method: string): Promise<void> {
  if ('response' in reply) return writeWebResponse(res, reply.response, method);
  const payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
  res.writeHead(reply.status, {
    ...jsonHeaders,
    ...reply.headers,
    'content-length': String(payload.length),
  });
  res.end(method === 'HEAD' ? undefined : payload);
}

export async function writeWebResponse(
  res: ServerResponse,
  response: Response,
  method: string,
): Promise<void> {
  const payload = Buffer.from(await response.arrayBuffer());
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  out['content-length'] = String(payload.length);
  res.writeHead(response.status, out);
  res.end(method === 'HEAD' ? undefined : payload);
}
