export {
  type AuditEntry,
  type AuditListQuery,
  type AuditRecord,
  type AuditResult,
  auditEntryOf,
  auditListQuerySchema,
  auditRecordSchema,
  auditResults,
  listAuditRecords,
  writeAuditRecord,
} from './audit-log.js';
export {
  type AuditScope,
  type AuditScopeInit,
  type AuditSubject,
  currentAuditScope,
  runInAuditScope,
} from './audit-scope.js';
export { summarizeInput } from './audit-summary.js';
export {
  type BatchKind,
  type BatchProgress,
  type BulkRejection,
  type BulkResult,
  type BulkTarget,
  batchProgress,
  bulkAssignPolicy,
  bulkSendCommand,
  bulkTargetSchema,
  maxBulkTargets,
  resolveBulkTargets,
  watchBatch,
} from './bulk.js';
export {
  type ComplianceState,
  complianceStates,
  type DevicePolicyState,
  devicePolicyStateOf,
  devicePolicyStates,
} from './effective-policies.js';
export {
  EventFeed,
  type EventFeedOptions,
  type EventFilter,
  eventFeedOf,
  type SubscribeOptions,
} from './event-feed.js';
export { eventsChannel } from './event-notify.js';
export { type FleetStats, fleetStats } from './fleet-stats.js';
export { diffSettings, type SettingsChange, type SettingsChangeKind } from './policy-diff.js';
export { type PolicyRollout, policyRollout } from './policy-rollout.js';
export {
  type AgentApk,
  agentAdminComponent,
  agentExtras,
  androidProvisioningPayload,
  apkChecksum,
  type ProvisioningInput,
} from './provisioning.js';
