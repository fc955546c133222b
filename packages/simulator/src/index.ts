export {
  type AgentCounters,
  type CommandReport,
  DEFAULT_DEVICE_SECRET,
  EnrollmentError,
  type EnrollmentOutcome,
  type EnrollmentPath,
  type EnrollmentState,
  type HeartbeatResult,
  type InstallStatus,
  MIN_POLL_INTERVAL_MS,
  type RefreshOutcome,
  SimulatedAgent,
  type SimulatedAgentOptions,
  WORK_MANAGER_PERIOD_MS,
} from './agent.js';
export {
  ACTION_HEADER,
  decodeEnvelope,
  legacyStatusFor,
  mediaSubtype,
  type RawResponse,
} from './agent-envelope.js';
export {
  commandErrorJson,
  commandResultJson,
  type EnrollmentBody,
  enrollmentRequestJson,
  type HeartbeatBody,
  heartbeatRequestJson,
  packageEventJson,
  refreshTokenJson,
} from './agent-requests.js';
export {
  type EnrollmentResponse,
  type HeartbeatResponse,
  type PendingCommand,
  type PolicyUpdate,
  type PushConfig,
  parseChallengeResponse,
  parseEnrollmentResponse,
  parseHeartbeatResponse,
  parseTokenResponse,
  ResponseParseError,
  type TokenResponse,
} from './agent-responses.js';
export {
  type EnrollmentIdentity,
  type EnrollmentMethod,
  hmacCanonicalMessage,
  pinnedKeyCanonicalMessage,
} from './canonical.js';
export {
  type CommandEnvironment,
  type CommandResult,
  type ExecutableCommand,
  executeCommand,
} from './command-executor.js';
export { CRITICAL_COMMAND_TYPES, isCriticalCommandType, normalizeCommandType } from './command-type.js';
export {
  AGENT_PACKAGE,
  AGENT_VERSION,
  AGENT_VERSION_CODE,
  DEVICE_MODELS,
  type DeviceModel,
} from './device-catalog.js';
export {
  createDeviceProfile,
  type DeviceIdentity,
  type DeviceProfile,
  type DeviceProfileOptions,
  dalvikUserAgent,
  type InstalledApp,
  type NetworkState,
  type Position,
} from './device-profile.js';
export { type DownloadOptions, downloadFile } from './file-download.js';
export { type EnrollAllResult, Fleet, type FleetOptions, type FleetStats } from './fleet.js';
export { formatFinalSummary, formatSummaryLine } from './fleet-summary.js';
export { asDouble, asFloat, dto, isDto, JavaDouble, JavaFloat, quoteGson, toGsonJson } from './gson-json.js';
export {
  AGENT_USER_AGENT,
  type AgentCall,
  AgentHttpClient,
  type AgentHttpClientOptions,
  type AgentResponse,
  type AgentRoute,
  type HttpClientCounters,
  isSuccessful,
  PROTOCOL_VERSION,
} from './http-client.js';
export { AgentIoError } from './java-io-error.js';
export { javaDoubleToString, javaFloatToString } from './java-number-format.js';
export { LatencyHistogram } from './latency-histogram.js';
export { Prng } from './prng.js';
export { encodePathSegment } from './retrofit-path.js';
export { Semaphore } from './semaphore.js';
export { DeviceKeyPair, hmacSha256Hex, verifyDeviceSignature } from './signing.js';
export { DeviceTelemetry, type TelemetrySnapshot } from './telemetry.js';
export { formatAgentTimestamp } from './timestamp.js';
