import { bridgeHeaders, type ExchangeResponse, exchange } from './http-exchange.js';
import { AgentIoError, toAgentIoError } from './java-io-error.js';

export interface DownloadOptions {
  /** The device's Dalvik user agent. */
  userAgent: string;
  timeoutMs?: number;
  /** `FileDeploymentManager` insists on HTTP 200; `URL.openStream()` accepts any non-error status. */
  requireOk?: boolean;
}

const MAX_REDIRECTS = 20;

/**
 * An APK or file download as the agent does it: `java.net.URL` / `HttpURLConnection`, a plain GET
 * with no `Authorization` and no protocol header, redirects followed, gzip transparently decoded.
 * Failures carry Java's messages: a 404 is a `FileNotFoundException` whose message is the URL.
 */
export async function downloadFile(url: string, options: DownloadOptions): Promise<Buffer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new AgentIoError(`no protocol: ${url}`);
  }
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new AgentIoError(`unknown protocol: ${target.protocol.replace(/:$/, '')}`);
    }
    const response = await get(target, options);
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, target);
      if (next.protocol !== target.protocol) return response.body; // HttpURLConnection will not switch protocols
      target = next;
      continue;
    }
    if (response.status === 404 || response.status === 410) throw new AgentIoError(target.toString());
    if (response.status >= 400) {
      throw new AgentIoError(
        `Server returned HTTP response code: ${response.status} for URL: ${target.toString()}`,
      );
    }
    if (options.requireOk && response.status !== 200) {
      // Guessed wording: FileDeploymentManager's own message was not available.
      throw new AgentIoError(`Download failed: HTTP ${response.status}`);
    }
    return response.body;
  }
  throw new AgentIoError(`Too many follow-up requests: ${MAX_REDIRECTS + 1}`);
}

async function get(url: URL, options: DownloadOptions): Promise<ExchangeResponse> {
  try {
    return await exchange({
      url,
      method: 'GET',
      headers: bridgeHeaders(url, options.userAgent),
      agent: false,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  } catch (error) {
    throw toAgentIoError(error, url);
  }
}
