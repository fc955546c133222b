import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import { AgentIoError } from './java-io-error.js';

/** One HTTP/1.1 request with its header lines in wire order (`[name, value, name, value, …]`). */
export interface Exchange {
  url: URL;
  method: 'GET' | 'POST';
  headers: string[];
  body?: Buffer;
  /** A keep-alive pool, or false for a one-off connection. */
  agent: http.Agent | false;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ExchangeResponse {
  status: number;
  /** Lowercased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Gzip already decoded (and `content-encoding`/`content-length` dropped), as OkHttp does transparently. */
  body: Buffer;
}

/** The request failed on a recycled pooled connection before any response: OkHttp retries it once. */
export class StaleConnectionError extends Error {
  constructor(override readonly cause: unknown) {
    super('request failed on a recycled connection');
  }
}

/**
 * The headers OkHttp's bridge (and Android's `HttpURLConnection`) append, in their order:
 * `Host`, `Connection: Keep-Alive`, `Accept-Encoding: gzip`, `User-Agent`.
 */
export function bridgeHeaders(url: URL, userAgent: string): string[] {
  return ['Host', url.host, 'Connection', 'Keep-Alive', 'Accept-Encoding', 'gzip', 'User-Agent', userAgent];
}

/** Sends exactly the given header lines (Node adds none) and reads the whole response. */
export function exchange(request: Exchange): Promise<ExchangeResponse> {
  const { url } = request;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || undefined,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: request.headers,
      setHost: false,
      agent: request.agent,
      timeout: request.timeoutMs,
      signal: request.signal,
    });
    let gotResponse = false;
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error) =>
      reject(!gotResponse && req.reusedSocket ? new StaleConnectionError(error) : error),
    );
    req.on('response', (res) => {
      gotResponse = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve(decodeResponse(res, Buffer.concat(chunks)));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.end(request.body);
  });
}

function decodeResponse(res: http.IncomingMessage, payload: Buffer): ExchangeResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  let body = payload;
  if (headers['content-encoding']?.toLowerCase() === 'gzip' && payload.length > 0) {
    try {
      body = gunzipSync(payload);
    } catch (error) {
      throw new AgentIoError('gzip finished without exhausting source', { cause: error });
    }
    delete headers['content-encoding'];
    delete headers['content-length'];
  }
  return { status: res.statusCode ?? 0, headers, body };
}
