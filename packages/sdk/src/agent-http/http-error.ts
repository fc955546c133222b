import { MDMError } from '../errors.js';

/** A refusal decided by the HTTP layer itself (before the protocol is reached). */
export class AgentHttpError extends MDMError {
  constructor(
    readonly status: 400 | 404 | 405 | 413 | 429,
    code: 'BAD_JSON' | 'ROUTE_NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'PAYLOAD_TOO_LARGE' | 'RATE_LIMITED',
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message);
  }
}
