import { type Handler, ok, type RecordedRequest, type Reply } from './recording-server.js';

/** Route keys: `GET challenge`, `POST enroll`, `POST heartbeat`, `POST refresh`, `POST events`, `POST ack|complete|fail`, or a path. */
export type RouteKey =
  | 'challenge'
  | 'enroll'
  | 'heartbeat'
  | 'refresh'
  | 'events'
  | 'ack'
  | 'complete'
  | 'fail'
  | 'other';

export const SPEC_CHALLENGE = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

export function routeOf(request: RecordedRequest): RouteKey {
  const path = request.path.replace(/^\/mdm\//, '');
  if (path === 'agent/enroll/challenge') return 'challenge';
  if (path === 'agent/enroll') return 'enroll';
  if (path === 'agent/heartbeat') return 'heartbeat';
  if (path === 'agent/refresh-token') return 'refresh';
  if (path === 'agent/events') return 'events';
  const command = /^agent\/commands\/[^/]+\/(ack|complete|fail)$/.exec(path);
  return (command?.[1] as RouteKey | undefined) ?? 'other';
}

export interface EnrollData {
  deviceId?: string;
  token?: string;
  refreshToken?: string;
  policyVersion?: number | string | null;
  pollingInterval?: number;
}

export function enrollReply(data: EnrollData = {}): Reply {
  return ok({
    deviceId: data.deviceId ?? 'dev_1',
    enrollmentId: 'enr_1',
    token: data.token ?? 'T1',
    ...(data.refreshToken ? { refreshToken: data.refreshToken } : {}),
    serverUrl: 'http://ignored.example/mdm',
    policy:
      data.policyVersion === null
        ? undefined
        : { id: 'pol_1', name: 'Default', version: data.policyVersion ?? 3, settings: {} },
    pushConfig: { provider: 'polling', pollingInterval: data.pollingInterval ?? 60 },
  });
}

/**
 * A protocol-faithful stand-in for the server: challenge, enroll, heartbeat (serving queued
 * commands once), refresh and the command/event sinks. Override any route.
 */
export function agentRoutes(
  overrides: Partial<Record<RouteKey, Handler>> = {},
  queue: unknown[] = [],
): Handler {
  const defaults: Record<RouteKey, Handler> = {
    challenge: () => ({
      status: 200,
      body: { challenge: SPEC_CHALLENGE, expiresAt: '2025-01-15T10:35:00.123Z', ttlSeconds: 300 },
    }),
    enroll: () => enrollReply(),
    heartbeat: () =>
      ok({ success: true, pendingCommands: queue.splice(0, queue.length), policyUpdate: null }),
    refresh: () => ok({ token: 'T2' }),
    events: () => ok(),
    ack: () => ok(),
    complete: () => ok(),
    fail: () => ok(),
    other: () => ({ status: 404, body: { error: 'not found' } }),
  };
  return (request) => (overrides[routeOf(request)] ?? defaults[routeOf(request)])(request);
}
