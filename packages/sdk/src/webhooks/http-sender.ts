import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, PrivateAddressError } from './ssrf-guard.js';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  /** Aborts the attempt (instance shutdown). */
  signal?: AbortSignal;
}

export interface WebhookAttempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Bytes of a receiver's response kept for `lastError`; the rest is read and dropped. */
const keptResponseBytes = 512;

/**
 * POSTs one webhook with a hard deadline covering DNS, connect, upload and response. Redirects are not
 * followed (a 3xx is a failure), and unless private networks are allowed, a destination that is or resolves
 * to a private address is refused at connection time.
 */
export class WebhookHttpSender {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(maxSockets: number) {
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets }),
      https: new https.Agent({ keepAlive: true, maxSockets }),
    };
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  async send(request: WebhookRequest): Promise<WebhookAttempt> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const refused = (error: string): WebhookAttempt => ({
      ok: false,
      statusCode: null,
      error,
      durationMs: elapsed(),
    });
    if (!URL.canParse(request.url)) return refused(`invalid URL ${request.url}`);
    const url = new URL(request.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!request.allowPrivateNetworks && isIP(host) && isPrivateAddress(host)) {
      return refused(new PrivateAddressError(url.hostname, host).message);
    }
    const secure = url.protocol === 'https:';
    return new Promise<WebhookAttempt>((resolve) => {
      const req = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(request.body)),
          'user-agent': 'openmdm-webhooks/1',
          ...request.headers,
        },
        ...(request.allowPrivateNetworks ? {} : { lookup: guardedLookup as never }),
      });
      let settled = false;
      const onAbort = () => req.destroy(new Error('aborted: the instance is shutting down'));
      const deadline = setTimeout(() => {
        req.destroy(new Error(`timed out after ${request.timeoutMs} ms`));
      }, request.timeoutMs);
      const finish = (attempt: Omit<WebhookAttempt, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        request.signal?.removeEventListener('abort', onAbort);
        resolve({ ...attempt, durationMs: elapsed() });
      };
      const fail = (error: unknown) =>
        finish({
          ok: false,
          statusCode: null,
          error: error instanceof Error ? error.message : String(error),
        });
      request.signal?.addEventListener('abort', onAbort, { once: true });
      if (request.signal?.aborted) onAbort();

      req.on('error', fail);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        let kept = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (kept.length < keptResponseBytes) kept += chunk.slice(0, keptResponseBytes - kept.length);
        });
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete)
            finish({ ok: false, statusCode: status, error: 'connection closed before the response ended' });
        });
        res.on('end', () => {
          const ok = status >= 200 && status < 300;
          finish({
            ok,
            statusCode: status,
            error: ok ? null : `HTTP ${status}${kept ? `: ${kept.replace(/\s+/g, ' ').trim()}` : ''}`,
          });
        });
      });
      req.end(request.body);
    });
  }
}
