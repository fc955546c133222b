/**
 * Maps an error from firebase-admin's messaging client to the reason a PushResult reports.
 *
 * `invalid_token` makes the caller forget the token, and the Android agent re-registers a token only when
 * FCM rotates it (protocol §7.1), so it is returned only on an unambiguous signal about the token itself.
 */
export type FcmFailureReason = 'invalid_token' | 'transient' | 'permanent';

const TOKEN_CODES = new Set([
  'messaging/registration-token-not-registered',
  'messaging/invalid-registration-token',
]);

const TRANSIENT_CODES = new Set([
  // firebase-admin ≥ 12 reports QUOTA_EXCEEDED as message-rate-exceeded; older names are kept for ≥ 13 peers.
  'messaging/quota-exceeded',
  'messaging/message-rate-exceeded',
  'messaging/device-message-rate-exceeded',
  'messaging/server-unavailable',
  'messaging/unavailable',
  'messaging/internal-error',
  'app/network-error',
  'app/network-timeout',
  // Node socket and DNS errors, found on the `cause` of wrapped errors (token exchange, HTTP/2 session).
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
const BAD_REQUEST_TYPE = 'type.googleapis.com/google.rpc.BadRequest';

type Fields = Record<string, unknown>;

function fields(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null ? (value as Fields) : undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = fields(error)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The error and what it wraps (`cause`, `AggregateError.errors`), breadth first, bounded. */
function* errorChain(error: unknown): Generator<unknown> {
  const queue = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 16) {
    const next = queue.shift();
    if (next === undefined || seen.has(next)) continue;
    seen.add(next);
    yield next;
    const f = fields(next);
    if (f?.cause !== undefined) queue.push(f.cause);
    if (Array.isArray(f?.errors)) queue.push(...f.errors);
  }
}

/** The `google.rpc.Status.details` of the FCM response firebase-admin attaches as `httpResponse` (v14). */
function responseDetails(error: unknown): Fields[] {
  const details = fields(fields(fields(fields(error)?.httpResponse)?.data)?.error)?.details;
  return Array.isArray(details) ? details.map(fields).filter((d): d is Fields => d !== undefined) : [];
}

function fcmErrorCode(error: unknown): string | undefined {
  const code = responseDetails(error).find((d) => d['@type'] === FCM_ERROR_TYPE)?.errorCode;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const message = fields(error)?.message;
  return typeof message === 'string' ? message : '';
}

/** INVALID_ARGUMENT also covers a bad payload; only a violation on `message.token` condemns the token. */
function blamesToken(error: unknown): boolean {
  const onTokenField = responseDetails(error)
    .filter((d) => d['@type'] === BAD_REQUEST_TYPE)
    .some(
      (d) =>
        Array.isArray(d.fieldViolations) &&
        d.fieldViolations.some((v) => fields(v)?.field === 'message.token'),
    );
  return onTokenField || /registration token/i.test(messageOf(error));
}

/** PERMISSION_DENIED maps to the same firebase-admin code; only SENDER_ID_MISMATCH is about the token. */
function isSenderIdMismatch(error: unknown): boolean {
  return fcmErrorCode(error) === 'SENDER_ID_MISMATCH' || /sender ?id mismatch/i.test(messageOf(error));
}

function httpStatusOf(error: unknown): number | undefined {
  const status = fields(fields(error)?.httpResponse)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function classifyFcmError(error: unknown): FcmFailureReason {
  const code = codeOf(error);
  if (code && TOKEN_CODES.has(code)) return 'invalid_token';
  if (code === 'messaging/invalid-argument' && blamesToken(error)) return 'invalid_token';
  if (code === 'messaging/mismatched-credential' && isSenderIdMismatch(error)) return 'invalid_token';
  const status = httpStatusOf(error);
  if (status !== undefined && (status === 429 || status >= 500)) return 'transient';
  for (const link of errorChain(error)) {
    const linkCode = codeOf(link);
    if (linkCode && TRANSIENT_CODES.has(linkCode)) return 'transient';
  }
  return 'permanent';
}
