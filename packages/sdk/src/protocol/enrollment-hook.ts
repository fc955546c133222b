import type { DeviceStatus } from '../domain/device.js';
import type { EnrollmentRequest } from './wire-schemas.js';

/** Who is asking, as far as the transport knows. */
export interface EnrollmentMeta {
  /** Client IP address (for the hook and logs). */
  ip?: string | null;
  /** The URL the agent reached, advertised back as `serverUrl` (the agent never routes by it). */
  serverUrl?: string | null;
}

export interface EnrollmentValidationInput {
  request: EnrollmentRequest;
  /** Which proof the device gave: the fleet HMAC secret, or a signature with its pinned hardware key. */
  method: 'hmac' | 'pinned-key';
  /** The device this enrolment re-enrols, if any. */
  existingDevice: { id: string; status: DeviceStatus; tenantId: string | null } | null;
  meta: EnrollmentMeta;
}

/** What the `enrollment.validate` hook may decide; every field is optional. */
export interface EnrollmentDecision {
  /** `false` refuses the enrolment with `ENROLLMENT_REJECTED` (403). */
  allow?: boolean;
  /** Shown to the agent when refused. */
  reason?: string;
  /** Overrides `enrollment.requireApproval` for this device. */
  requireApproval?: boolean;
  /** Assigns a policy to the device itself. */
  policyId?: string | null;
  /** Adds the device to these groups. */
  groupIds?: string[];
  /** Tenant of a new device (ignored on re-enrolment: a device never changes tenant). */
  tenantId?: string | null;
  /** Merged into the device's metadata. */
  metadata?: Record<string, unknown>;
}

/**
 * Runs after the device proved itself (signature checked), before anything is written. Return `false` or
 * `{ allow: false, reason }` to refuse; throw an MDMError to refuse with your own code.
 */
export type EnrollmentValidateHook = (
  input: EnrollmentValidationInput,
) => EnrollmentDecision | boolean | undefined | Promise<EnrollmentDecision | boolean | undefined>;
