import type { Command } from '../domain/command.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { PushAdapter } from '../push/types.js';

/** `policyUpdate` / enroll `policy` as the agent reads it; `version` is a string, as the agent stores it. */
export interface WirePolicy {
  id: string;
  name: string;
  version: string;
  settings: Record<string, unknown>;
}

/** A `CommandResponse` (spec §4.2): `payload` is always an object, never a string or an array. */
export interface WireCommand {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  status: string;
  createdAt: string;
}

/** `pushConfig` of the enroll response; `pollingInterval` is an integer (a float fails the agent's parse). */
export interface WirePushConfig {
  provider: string;
  pollingInterval: number;
  [key: string]: string | number;
}

export function wirePolicy(policy: {
  id: string;
  name: string;
  version: number;
  settings: PolicySettings;
}): WirePolicy {
  return { id: policy.id, name: policy.name, version: String(policy.version), settings: policy.settings };
}

export function wireCommand(
  command: Pick<Command, 'id' | 'type' | 'payload' | 'status' | 'createdAt'>,
): WireCommand {
  return {
    id: command.id,
    type: command.type,
    payload: command.payload ?? {},
    status: command.status,
    createdAt: command.createdAt.toISOString(),
  };
}

const DEFAULT_POLLING_SECONDS = 60;
/** The agent never polls faster than this (spec §7.3). */
const MIN_POLLING_SECONDS = 15;

/** Seconds between the agent's polls: the policy's `heartbeatInterval`, else 60. Always an integer. */
export function pollingInterval(settings: PolicySettings | null | undefined): number {
  const wanted = settings?.heartbeatInterval ?? DEFAULT_POLLING_SECONDS;
  return Math.max(MIN_POLLING_SECONDS, Math.round(wanted));
}

/** What the enroll response advertises: the configured push adapter's provider and extras, else `polling`. */
export function pushConfigFor(
  push: PushAdapter | undefined,
  deviceId: string,
  settings: PolicySettings | null | undefined,
): WirePushConfig {
  const interval = pollingInterval(settings);
  if (!push) return { provider: 'polling', pollingInterval: interval };
  return { ...(push.pushConfig?.(deviceId) ?? {}), provider: push.provider, pollingInterval: interval };
}
