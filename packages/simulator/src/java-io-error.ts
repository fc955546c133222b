/**
 * The agent's `java.io.IOException`: a network failure the retry interceptor retries and the
 * agent's catch blocks turn into messages. Node's error codes are mapped to OkHttp's wording.
 */
export class AgentIoError extends Error {
  readonly code: string | undefined;

  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'AgentIoError';
    this.code = options?.code;
  }
}

export function toAgentIoError(error: unknown, url: URL): AgentIoError {
  if (error instanceof AgentIoError) return error;
  const code = (error as { code?: string } | null)?.code;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  switch (code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new AgentIoError(`Failed to connect to /${host}:${port}`, { code, cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AgentIoError(`Unable to resolve host "${host}": No address associated with hostname`, {
        code,
        cause: error,
      });
    case 'ECONNRESET':
    case 'EPIPE':
      return new AgentIoError('Connection reset', { code, cause: error });
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return new AgentIoError('timeout', { code, cause: error });
    case 'ABORT_ERR':
      return new AgentIoError('Canceled', { code, cause: error });
    default:
      return new AgentIoError(`unexpected end of stream on ${url.origin}/...`, { code, cause: error });
  }
}
