import {
  ConflictError,
  InvalidTransitionError,
  MDMError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import {
  DeviceAccessDeniedError,
  DeviceAuthError,
  EnrollmentError,
  type EnrollmentErrorCode,
  ProtocolNotConfiguredError,
} from '../protocol/errors.js';
import { AgentHttpError } from './http-error.js';
import type { AgentReply } from './reply.js';
import type { AgentRequestView } from './request-view.js';

/** The v2 instructions the agent understands (spec §1.5): it maps them to 401, 404 and 503. */
export type AgentAction = 'reauth' | 'unenroll' | 'retry';

/** The request header that opts into the v2 envelope; the agent sends it on every request. */
export const PROTOCOL_HEADER = 'x-openmdm-protocol';

export function wantsV2(request: Pick<AgentRequestView, 'header'>): boolean {
  return request.header(PROTOCOL_HEADER)?.trim() === '2';
}

export function json(status: number, body: unknown, headers?: Record<string, string>): AgentReply {
  return headers ? { status, body, headers } : { status, body };
}

/** Success: v2 `{ok:true, action:"none", data}` at 200; v1 the bare body with its own status (201 on enroll). */
export function ok(v2: boolean, data: unknown, v1Status = 200): AgentReply {
  return v2 ? json(200, { ok: true, action: 'none', data }) : json(v1Status, data);
}

interface Refusal {
  status: number;
  /** Set when the agent must act (refresh, stop, retry): under v2 such a refusal is an envelope at 200. */
  action?: AgentAction;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
}

const enrollmentStatus: Record<EnrollmentErrorCode, number> = {
  ENROLLMENT_NOT_CONFIGURED: 503,
  ENROLLMENT_SIGNATURE_INVALID: 401,
  ENROLLMENT_TIMESTAMP_INVALID: 400,
  CHALLENGE_INVALID: 400,
  PUBLIC_KEY_INVALID: 400,
  PUBLIC_KEY_MISMATCH: 409,
  PINNED_KEY_REQUIRED: 409,
  ENROLLMENT_REJECTED: 403,
  DEVICE_BLOCKED: 403,
  DEVICE_UNENROLLING: 409,
};

/**
 * The one place where errors become HTTP. Spec §1.5 and §11: the agent decodes an envelope only on a 2xx,
 * and turns `reauth`/`unenroll`/anything else into 401/404/503 (503 = three quick retries). So:
 * - credentials (`reauth`), a device the fleet no longer knows (`unenroll`) and transient trouble (`retry`)
 *   are v2 envelopes at 200, and 401/404/503 under v1 (429 for the rate limit);
 * - every other refusal (bad input, a blocked device, an unknown command, a key mismatch) is a plain 4xx
 *   `{error, code, details}` under both versions: retrying would change nothing, and the agent treats any
 *   other 4xx as a plain failure without touching its state.
 */
export function refusal(error: unknown): Refusal | null {
  if (error instanceof DeviceAuthError)
    return { status: 401, action: 'reauth', code: error.code, message: error.message };
  if (error instanceof DeviceAccessDeniedError) {
    if (error.code === 'DEVICE_BLOCKED') return { status: 403, code: error.code, message: error.message };
    return { status: 404, action: 'unenroll', code: error.code, message: error.message };
  }
  if (error instanceof EnrollmentError) {
    const status = enrollmentStatus[error.reason];
    return {
      status,
      ...(status === 503 ? { action: 'retry' as const } : {}),
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    };
  }
  if (error instanceof ProtocolNotConfiguredError) {
    return { status: 503, action: 'retry', code: error.code, message: 'Temporarily unavailable' };
  }
  if (error instanceof AgentHttpError) {
    return {
      status: error.status,
      ...(error.status === 429 ? { action: 'retry' as const } : {}),
      code: error.code,
      message: error.message,
      headers: error.headers,
    };
  }
  if (error instanceof ValidationError) {
    return { status: 400, code: error.code, message: error.message, details: { issues: error.issues } };
  }
  if (error instanceof NotFoundError) {
    const entity = String(error.details?.entity ?? 'resource');
    // The same answer for an unknown id and another device's id: nothing about the id is revealed.
    return {
      status: 404,
      code: `${entity.toUpperCase().replace(/\s+/g, '_')}_NOT_FOUND`,
      message: `${capitalise(entity)} not found`,
    };
  }
  if (error instanceof InvalidTransitionError || error instanceof ConflictError) {
    return { status: 409, code: error.code, message: error.message };
  }
  if (error instanceof MDMError) return { status: 400, code: error.code, message: error.message };
  return null;
}

/** Renders a refusal for the request's protocol version; unknown errors are a `retry` (v2) or a 500 (v1). */
export function errorReply(error: unknown, v2: boolean): AgentReply {
  const r = refusal(error) ?? {
    status: 500,
    action: 'retry' as const,
    code: 'INTERNAL',
    message: 'Internal error',
  };
  if (v2 && r.action)
    return json(200, { ok: false, action: r.action, message: r.message, code: r.code }, r.headers);
  return json(
    r.status,
    { error: r.message, code: r.code, ...(r.details ? { details: r.details } : {}) },
    r.headers,
  );
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
