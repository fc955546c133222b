import { expect, it } from 'vitest';
import {
  parseChallengeResponse,
  parseEnrollmentResponse,
  parseHeartbeatResponse,
  parseTokenResponse,
  ResponseParseError,
} from './agent-responses.js';

it('coerces numbers and booleans into String fields as Gson does', () => {
  const enrollment = parseEnrollmentResponse(
    '{"deviceId":"d","token":"t","policy":{"id":"p","version":3,"settings":{}},"pushConfig":{"provider":"polling","pollingInterval":"60"},"extra":[1]}',
  );
  expect(enrollment.policy?.version).toBe('3');
  expect(enrollment.pushConfig).toMatchObject({ provider: 'polling', pollingInterval: 60 });
  expect(parseChallengeResponse('{"challenge":true}')).toBe('true');
  expect(parseChallengeResponse('{"expiresAt":"x"}')).toBeNull();
  expect(parseTokenResponse('{"token":"a"}')).toEqual({ token: 'a', refreshToken: null, expiresAt: null });
});

it('fails the whole parse where Gson would', () => {
  const bad = [
    () => parseEnrollmentResponse('{"deviceId":"d","pushConfig":{"pollingInterval":60.5}}'),
    () => parseEnrollmentResponse('{"deviceId":{"nested":1}}'),
    () => parseHeartbeatResponse('{"pendingCommands":[{"id":"c","type":"lock","payload":"not an object"}]}'),
    () => parseHeartbeatResponse('{"policyUpdate":{"settings":[1]}}'),
    () => parseHeartbeatResponse('{"pendingCommands":{}}'),
    () => parseHeartbeatResponse('[]'),
    () => parseHeartbeatResponse('not json'),
  ];
  for (const parse of bad) expect(parse).toThrow(ResponseParseError);
});

it('reads a heartbeat response and ignores unknown keys', () => {
  const response = parseHeartbeatResponse(
    '{"success":true,"pendingCommands":[{"id":"c1","type":"install_app","payload":{"url":"u"},"status":"pending","createdAt":"t"}],"policyUpdate":{"id":"p","name":"n","version":7,"settings":{"a":1}},"desiredState":{},"desiredStateVersion":4}',
  );
  expect(response).toEqual({
    success: true,
    message: null,
    pendingCommands: [
      { id: 'c1', type: 'install_app', payload: { url: 'u' }, status: 'pending', createdAt: 't' },
    ],
    policyUpdate: { id: 'p', name: 'n', version: '7', settings: { a: 1 } },
  });
});
