/**
 * The response DTOs of `MDMApi.kt` and how Gson fills them: unknown keys are ignored, a `String`
 * field also accepts a number or boolean (as its text), an `Int` field accepts an integral number or
 * a numeric string, and a type that cannot be coerced fails the whole parse.
 */

/** Gson's `JsonSyntaxException`: the body did not fit the response DTO. */
export class ResponseParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseParseError';
  }
}

export type JsonObject = Record<string, unknown>;

export interface PushConfig {
  provider: string | null;
  pollingInterval: number | null;
  fcmSenderId: string | null;
  mqttUrl: string | null;
  mqttTopic: string | null;
}

export interface EnrollmentResponse {
  deviceId: string | null;
  enrollmentId: string | null;
  token: string | null;
  refreshToken: string | null;
  serverUrl: string | null;
  policyId: string | null;
  policy: {
    id: string | null;
    name: string | null;
    version: string | null;
    settings: JsonObject | null;
  } | null;
  pushConfig: PushConfig | null;
}

export interface PendingCommand {
  id: string | null;
  type: string | null;
  payload: JsonObject | null;
  status: string | null;
  createdAt: string | null;
}

export interface PolicyUpdate {
  id: string | null;
  name: string | null;
  version: string | null;
  settings: JsonObject | null;
}

export interface HeartbeatResponse {
  success: boolean | null;
  pendingCommands: PendingCommand[] | null;
  policyUpdate: PolicyUpdate | null;
  message: string | null;
}

export interface TokenResponse {
  token: string | null;
  refreshToken: string | null;
  expiresAt: string | null;
}

export function parseEnrollmentResponse(body: string): EnrollmentResponse {
  const root = parseRoot(body);
  const policy = readObject(root, 'policy');
  const push = readObject(root, 'pushConfig');
  return {
    deviceId: readString(root, 'deviceId'),
    enrollmentId: readString(root, 'enrollmentId'),
    token: readString(root, 'token'),
    refreshToken: readString(root, 'refreshToken'),
    serverUrl: readString(root, 'serverUrl'),
    policyId: readString(root, 'policyId'),
    policy: policy && {
      id: readString(policy, 'id'),
      name: readString(policy, 'name'),
      version: readString(policy, 'version'),
      settings: readObject(policy, 'settings'),
    },
    pushConfig: push && {
      provider: readString(push, 'provider'),
      pollingInterval: readInt(push, 'pollingInterval'),
      fcmSenderId: readString(push, 'fcmSenderId'),
      mqttUrl: readString(push, 'mqttUrl'),
      mqttTopic: readString(push, 'mqttTopic'),
    },
  };
}

export function parseHeartbeatResponse(body: string): HeartbeatResponse {
  const root = parseRoot(body);
  const commands = readArray(root, 'pendingCommands');
  const policy = readObject(root, 'policyUpdate');
  return {
    success: readBoolean(root, 'success'),
    message: readString(root, 'message'),
    pendingCommands:
      commands?.map((item, index) => {
        const command = asObject(item, `pendingCommands[${index}]`);
        return {
          id: readString(command, 'id'),
          type: readString(command, 'type'),
          payload: readObject(command, 'payload'),
          status: readString(command, 'status'),
          createdAt: readString(command, 'createdAt'),
        };
      }) ?? null,
    policyUpdate: policy && {
      id: readString(policy, 'id'),
      name: readString(policy, 'name'),
      version: readString(policy, 'version'),
      settings: readObject(policy, 'settings'),
    },
  };
}

export function parseTokenResponse(body: string): TokenResponse {
  const root = parseRoot(body);
  return {
    token: readString(root, 'token'),
    refreshToken: readString(root, 'refreshToken'),
    expiresAt: readString(root, 'expiresAt'),
  };
}

/** The `challenge` of `EnrollmentChallengeResponse`, or null. */
export function parseChallengeResponse(body: string): string | null {
  return readString(parseRoot(body), 'challenge');
}

function parseRoot(body: string): JsonObject {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (error) {
    throw new ResponseParseError(`malformed JSON: ${(error as Error).message}`);
  }
  return asObject(root, '$');
}

function asObject(value: unknown, where: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ResponseParseError(`Expected BEGIN_OBJECT at ${where}`);
  }
  return value as JsonObject;
}

function readObject(object: JsonObject, key: string): JsonObject | null {
  const value = object[key];
  return value === undefined || value === null ? null : asObject(value, key);
}

function readArray(object: JsonObject, key: string): unknown[] | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new ResponseParseError(`Expected BEGIN_ARRAY at ${key}`);
  return value;
}

function readString(object: JsonObject, key: string): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ResponseParseError(
    `Expected a string but was ${Array.isArray(value) ? 'BEGIN_ARRAY' : 'BEGIN_OBJECT'} at ${key}`,
  );
}

function readBoolean(object: JsonObject, key: string): boolean | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  throw new ResponseParseError(`Expected a boolean at ${key}`);
}

function readInt(object: JsonObject, key: string): number | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || Math.abs(number) > 2 ** 31 - 1) {
    throw new ResponseParseError(`Expected an int but was ${JSON.stringify(value)} at ${key}`);
  }
  return number;
}
