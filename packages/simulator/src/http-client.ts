import http from 'node:http';
import https from 'node:https';
import { ACTION_HEADER, decodeEnvelope, type RawResponse } from './agent-envelope.js';
import { bridgeHeaders, exchange, StaleConnectionError } from './http-exchange.js';
import { AgentIoError, toAgentIoError } from './java-io-error.js';

/** Route labels used for per-route request counters. */
export type AgentRoute =
  | 'enroll/challenge'
  | 'enroll'
  | 'heartbeat'
  | 'commands/ack'
  | 'commands/complete'
  | 'commands/fail'
  | 'refresh-token'
  | 'push-token'
  | 'events';

export interface AgentCall {
  method: 'GET' | 'POST';
  /** Relative to the base URL, no leading slash: `agent/heartbeat`. Encode dynamic segments first. */
  path: string;
  route: AgentRoute;
  /** Sent as `Authorization: Bearer <token>` when present. */
  token?: string | null;
  /** JSON text. A POST without a body is sent with `Content-Length: 0` and no `Content-Type`. */
  body?: string;
}

export interface AgentResponse extends RawResponse {
  /** `X-Openmdm-Action` when the envelope decoder rewrote a failure, else null. */
  action: string | null;
}

export interface AgentHttpClientOptions {
  /** The provisioned server URL; a trailing `/` is appended when missing. */
  baseUrl: string;
  /** The retry interceptor sleeps `base << attempt`: 1 s then 2 s on a device. */
  retryBaseDelayMs?: number;
  /** Attempts per call, the retry interceptor's MAX_RETRIES (3). */
  maxAttempts?: number;
  /** OkHttp's connect/read/write timeout (30 s). */
  timeoutMs?: number;
  /** A keep-alive agent to share; by default the client owns one (a device's connection pool). */
  agent?: http.Agent;
}

/** What a client put on the wire. */
export interface HttpClientCounters {
  /** HTTP requests written, per route (every retry attempt counts). */
  requests: Partial<Record<AgentRoute, number>>;
  /** Attempts beyond the first made by the retry interceptor. */
  retries: number;
  /** Attempts that ended in an I/O error. */
  ioErrors: number;
}

export const PROTOCOL_VERSION = '2';
export const AGENT_USER_AGENT = 'okhttp/4.12.0';
const JSON_MEDIA_TYPE = 'application/json; charset=UTF-8';

/**
 * The agent's OkHttp stack: `ProtocolHeaderInterceptor` → `RetryInterceptor` → `AgentEnvelopeInterceptor`
 * → bridge (headers in OkHttp's order, transparent gzip) → network, on a keep-alive connection pool.
 */
export class AgentHttpClient {
  readonly baseUrl: URL;
  readonly counters: HttpClientCounters = { requests: {}, retries: 0, ioErrors: 0 };
  private readonly retryBaseDelayMs: number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly agent: http.Agent;
  private readonly ownsAgent: boolean;
  private readonly aborter = new AbortController();

  constructor(options: AgentHttpClientOptions) {
    this.baseUrl = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:') {
      throw new RangeError(`unsupported server URL scheme: ${this.baseUrl.protocol}`);
    }
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.ownsAgent = options.agent === undefined;
    this.agent =
      options.agent ??
      (this.baseUrl.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 5 })
        : new http.Agent({ keepAlive: true, maxSockets: 5 }));
  }

  /**
   * One logical call: up to `maxAttempts` identical requests on an I/O error or a 5xx (including a
   * decoded `retry` envelope). Returns the last response, or throws the last `AgentIoError`.
   */
  async call(request: AgentCall): Promise<AgentResponse> {
    let lastError: AgentIoError | undefined;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0) this.counters.retries++;
      try {
        const response = await this.attempt(request);
        if (response.status < 500 || response.status > 599 || attempt === this.maxAttempts - 1)
          return response;
      } catch (error) {
        if (!(error instanceof AgentIoError)) throw error;
        lastError = error;
        if (attempt === this.maxAttempts - 1 || this.aborter.signal.aborted) break;
      }
      await this.sleep(this.retryBaseDelayMs * 2 ** attempt);
    }
    throw lastError ?? new AgentIoError(`Request failed after ${this.maxAttempts} attempts`);
  }

  /** Cancels in-flight calls and sleeps; closes the connection pool if this client owns it. */
  close(): void {
    this.aborter.abort();
    if (this.ownsAgent) this.agent.destroy();
  }

  /** One attempt through the envelope decoder. */
  private async attempt(request: AgentCall): Promise<AgentResponse> {
    const raw = await this.send(request);
    const decoded = decodeEnvelope(raw);
    return { ...decoded, action: decoded === raw ? null : (decoded.headers[ACTION_HEADER] ?? null) };
  }

  private async send(request: AgentCall, isRetryOfStaleConnection = false): Promise<RawResponse> {
    const url = new URL(request.path, this.baseUrl);
    if (this.aborter.signal.aborted) throw new AgentIoError('Canceled');
    this.counters.requests[request.route] = (this.counters.requests[request.route] ?? 0) + 1;
    const body = request.method === 'POST' ? Buffer.from(request.body ?? '', 'utf8') : undefined;
    try {
      const response = await exchange({
        url,
        method: request.method,
        headers: wireHeaders(url, request, body),
        body,
        agent: this.agent,
        timeoutMs: this.timeoutMs,
        signal: this.aborter.signal,
      });
      return { status: response.status, headers: response.headers, body: response.body.toString('utf8') };
    } catch (error) {
      // OkHttp silently retries a request that failed on a recycled pooled connection.
      if (error instanceof StaleConnectionError && !isRetryOfStaleConnection) {
        return this.send(request, true);
      }
      this.counters.ioErrors++;
      throw toAgentIoError(error instanceof StaleConnectionError ? error.cause : error, url);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.aborter.signal.aborted) {
        resolve();
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.aborter.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.aborter.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Header lines in the order OkHttp writes them for the agent. */
function wireHeaders(url: URL, request: AgentCall, body: Buffer | undefined): string[] {
  const headers: string[] = [];
  if (request.token) headers.push('Authorization', `Bearer ${request.token}`);
  headers.push('X-Openmdm-Protocol', PROTOCOL_VERSION);
  if (body !== undefined) {
    if (request.body !== undefined) headers.push('Content-Type', JSON_MEDIA_TYPE);
    headers.push('Content-Length', String(body.length));
  }
  headers.push(...bridgeHeaders(url, AGENT_USER_AGENT));
  return headers;
}

/** `Response.isSuccessful`. */
export function isSuccessful(status: number): boolean {
  return status >= 200 && status <= 299;
}
