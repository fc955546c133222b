import { z } from 'zod';

/*
 * Request bodies exactly as the openmdm-android agent sends them (spec §2, §3.5, §5.1, §6, §7.1).
 * Unknown keys are tolerated (a newer agent may add some); known keys with a wrong type are rejected.
 * Every schema is built once, at module load.
 */

const identifier = (max: number) => z.string().max(max).nullish();

/** `EnrollmentRequest` (spec §3.5); nulls are omitted by Gson, but explicit nulls are accepted too. */
export const enrollmentRequestSchema = z
  .object({
    model: z.string().max(128),
    manufacturer: z.string().max(128),
    osVersion: z.string().max(32),
    sdkVersion: z.number().int().min(0).max(10_000).nullish(),
    serialNumber: identifier(128),
    imei: identifier(64),
    macAddress: identifier(64),
    androidId: identifier(128),
    agentVersion: z.string().max(64).nullish(),
    agentPackage: z.string().max(256).nullish(),
    method: z.string().min(1).max(32),
    timestamp: z.string().min(1).max(64),
    signature: z.string().min(1).max(512),
    publicKey: z.string().min(1).max(512).nullish(),
    attestationChallenge: z.string().min(1).max(128).nullish(),
    /** Declared by the agent, never sent by it; only the `enrollment.validate` hook may act on them. */
    policyId: z.string().max(64).nullish(),
    groupId: z.string().max(64).nullish(),
  })
  .refine((r) => Boolean(r.publicKey || r.androidId || r.serialNumber || r.imei || r.macAddress), {
    message:
      'at least one device identifier (androidId, serialNumber, imei, macAddress or publicKey) is required',
    path: ['androidId'],
  });
export type EnrollmentRequest = z.output<typeof enrollmentRequestSchema>;

/** `CommandResultRequest`: `{data?, message?, success}`. */
export const commandResultBodySchema = z.object({
  success: z.boolean(),
  message: z.string().nullish(),
  data: z.unknown().optional(),
});

/** `CommandErrorRequest`: `{error}`. */
export const commandErrorBodySchema = z.object({ error: z.string().nullish() });

/** `RefreshTokenRequest`: `{refreshToken}`. */
export const refreshTokenBodySchema = z.object({ refreshToken: z.string().min(1).max(512) });

/** `PushTokenRequest`: `{provider, token}`. */
export const pushTokenBodySchema = z.object({
  provider: z.string().min(1).max(32),
  token: z.string().min(1).max(4096),
});

/** `EventRequest`: `{payload, timestamp, type}` (spec §5.6). */
export const agentEventBodySchema = z.object({
  type: z.string().min(1).max(64),
  payload: z.record(z.string(), z.unknown()).nullish(),
  timestamp: z.string().max(64).nullish(),
});
