/**
 * The agent's `AgentEnvelopeInterceptor`: decodes the protocol-v2 envelope `{ok, action, data|message}`
 * back into the flat shapes and legacy status codes the agent's code branches on.
 */

export const ACTION_HEADER = 'x-openmdm-action';

export interface RawResponse {
  status: number;
  /** Lowercased header names. */
  headers: Record<string, string>;
  body: string;
}

const DEFAULT_MESSAGES: Record<string, string> = {
  reauth: 'Device authentication required',
  unenroll: 'Device not found',
};

/**
 * Acts only on 2xx responses whose content-type subtype contains `json` and whose body is an
 * object with a boolean `ok` and a string `action`; everything else passes through untouched,
 * including envelopes sent with a non-2xx status.
 */
export function decodeEnvelope(response: RawResponse): RawResponse {
  if (response.status < 200 || response.status > 299) return response;
  if (!mediaSubtype(response.headers['content-type']).includes('json')) return response;

  let root: unknown;
  try {
    root = JSON.parse(response.body);
  } catch {
    return response;
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return response;
  const envelope = root as Record<string, unknown>;
  if (typeof envelope.ok !== 'boolean' || typeof envelope.action !== 'string') return response;

  if (envelope.ok) {
    const data = envelope.data;
    return { ...response, body: data === undefined || data === null ? '{}' : JSON.stringify(data) };
  }

  const action = envelope.action;
  const message = typeof envelope.message === 'string' ? envelope.message : defaultMessageFor(action);
  return {
    status: legacyStatusFor(action),
    headers: { ...response.headers, [ACTION_HEADER]: action },
    body: JSON.stringify({ error: message, action }),
  };
}

/** `reauth` → 401, `unenroll` → 404, `retry` and anything unknown → 503. */
export function legacyStatusFor(action: string): number {
  if (action === 'reauth') return 401;
  if (action === 'unenroll') return 404;
  return 503;
}

function defaultMessageFor(action: string): string {
  return DEFAULT_MESSAGES[action] ?? 'Temporarily unavailable';
}

/** OkHttp's `MediaType.subtype`: lowercased, parameters dropped; empty when absent or malformed. */
export function mediaSubtype(contentType: string | undefined): string {
  if (!contentType) return '';
  const match = /^\s*[^\s/;]+\/([^\s;]+)/.exec(contentType);
  return match?.[1]?.toLowerCase() ?? '';
}
