export {
  type AgentConfigResponse,
  AgentProtocol,
  type AuthenticatedDevice,
  type TokenRefreshResult,
} from './agent-protocol.js';
export {
  type CanonicalEnrollmentFields,
  hmacCanonicalMessage,
  pinnedKeyCanonicalMessage,
} from './canonical.js';
export type { EnrollmentChallenge } from './challenges.js';
export { DEVICE_TOKEN_TYPE, type VerifiedAccessToken } from './device-tokens.js';
export type { EnrollmentResult } from './enrollment.js';
export type {
  EnrollmentDecision,
  EnrollmentMeta,
  EnrollmentValidateHook,
  EnrollmentValidationInput,
} from './enrollment-hook.js';
export {
  DeviceAccessDeniedError,
  DeviceAuthError,
  EnrollmentError,
  type EnrollmentErrorCode,
  ProtocolNotConfiguredError,
} from './errors.js';
export type { HeartbeatResponse } from './heartbeat.js';
export { parseHeartbeat } from './heartbeat-body.js';
export {
  hmacSignature,
  importP256PublicKey,
  verifyEcdsaSignature,
  verifyHmacSignature,
} from './signatures.js';
export type { WireCommand, WirePolicy, WirePushConfig } from './wire-format.js';
export { type EnrollmentRequest, enrollmentRequestSchema } from './wire-schemas.js';
