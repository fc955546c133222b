/**
 * Error bodies in the shape the FCM HTTP v1 API returns them (a `google.rpc.Status` whose `details` carry an
 * `FcmError`). firebase-admin reads `details[].errorCode` first, then `status`, to pick its `messaging/*` code.
 */

const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
const BAD_REQUEST_TYPE = 'type.googleapis.com/google.rpc.BadRequest';

/** The failures a test can inject for one registration token. */
export type FcmTokenFailure =
  | 'UNREGISTERED'
  | 'INVALID_ARGUMENT'
  | 'SENDER_ID_MISMATCH'
  | 'QUOTA_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface FcmErrorResponse {
  httpStatus: number;
  body: {
    error: {
      code: number;
      message: string;
      status: string;
      details: Record<string, unknown>[];
    };
  };
}

function fcmError(
  httpStatus: number,
  status: string,
  message: string,
  errorCode: string | null,
  extraDetails: Record<string, unknown>[] = [],
): FcmErrorResponse {
  const details = errorCode ? [{ '@type': FCM_ERROR_TYPE, errorCode }, ...extraDetails] : extraDetails;
  return { httpStatus, body: { error: { code: httpStatus, message, status, details } } };
}

export function invalidArgument(message: string, field?: string): FcmErrorResponse {
  const violations = field
    ? [{ '@type': BAD_REQUEST_TYPE, fieldViolations: [{ field, description: message }] }]
    : [];
  return fcmError(400, 'INVALID_ARGUMENT', message, 'INVALID_ARGUMENT', violations);
}

export function unauthenticated(): FcmErrorResponse {
  return fcmError(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    null,
  );
}

export function permissionDenied(project: string): FcmErrorResponse {
  return fcmError(
    403,
    'PERMISSION_DENIED',
    `Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/${project}' (or it may not exist).`,
    null,
  );
}

export function notFound(path: string): FcmErrorResponse {
  return fcmError(404, 'NOT_FOUND', `The requested URL ${path} was not found on this server.`, null);
}

export function tokenFailure(failure: FcmTokenFailure): FcmErrorResponse {
  switch (failure) {
    case 'UNREGISTERED':
      return fcmError(404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED');
    case 'INVALID_ARGUMENT':
      return invalidArgument('The registration token is not a valid FCM registration token', 'message.token');
    case 'SENDER_ID_MISMATCH':
      return fcmError(403, 'PERMISSION_DENIED', 'SenderId mismatch', 'SENDER_ID_MISMATCH');
    case 'QUOTA_EXCEEDED':
      return fcmError(
        429,
        'RESOURCE_EXHAUSTED',
        "Quota exceeded for quota metric 'Send requests' of service 'fcm.googleapis.com'.",
        'QUOTA_EXCEEDED',
      );
    case 'UNAVAILABLE':
      return fcmError(503, 'UNAVAILABLE', 'The service is currently unavailable.', 'UNAVAILABLE');
    case 'INTERNAL':
      return fcmError(500, 'INTERNAL', 'Internal error encountered.', 'INTERNAL');
  }
}
