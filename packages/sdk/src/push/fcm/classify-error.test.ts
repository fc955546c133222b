import { FirebaseAppError } from 'firebase-admin/app';
import { describe, expect, it } from 'vitest';
import { classifyFcmError } from './classify-error.js';

/** Errors the emulator cannot produce: other firebase-admin versions, HTTP/2 sessions, the token exchange. */
const coded = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(code), { code, ...extra });

describe('classifyFcmError', () => {
  it('finds a network error wrapped by the HTTP/2 session or the token exchange', () => {
    const http2 = coded('messaging/unknown-error', {
      cause: new AggregateError([new Error('stream reset'), coded('app/network-error')]),
    });
    const tokenExchange = new FirebaseAppError({
      code: 'invalid-credential',
      message: 'failed to fetch a valid Google OAuth2 access token',
      cause: coded('ECONNREFUSED'),
    });
    expect(classifyFcmError(http2)).toBe('transient');
    expect(classifyFcmError(tokenExchange)).toBe('transient');
  });

  it('treats a refused credential as permanent', () => {
    const refused = new FirebaseAppError({
      code: 'invalid-credential',
      message: 'invalid_grant: Invalid JWT Signature.',
    });
    expect(classifyFcmError(refused)).toBe('permanent');
  });

  it('knows the codes older firebase-admin versions use', () => {
    expect(classifyFcmError(coded('messaging/quota-exceeded'))).toBe('transient');
    expect(classifyFcmError(coded('messaging/unavailable'))).toBe('transient');
  });

  it('blames the token only on a clear signal', () => {
    expect(
      classifyFcmError(coded('messaging/invalid-argument', { message: 'Invalid value at message.data' })),
    ).toBe('permanent');
    expect(classifyFcmError(coded('messaging/mismatched-credential', { message: 'Permission denied' }))).toBe(
      'permanent',
    );
    expect(classifyFcmError(coded('messaging/mismatched-credential', { message: 'SenderId mismatch' }))).toBe(
      'invalid_token',
    );
  });

  it('calls a 429 or 5xx without a known code transient', () => {
    const status = (s: number) => coded('messaging/unknown-error', { httpResponse: { status: s, data: '' } });
    expect(classifyFcmError(status(429))).toBe('transient');
    expect(classifyFcmError(status(502))).toBe('transient');
    expect(classifyFcmError(status(400))).toBe('permanent');
    expect(classifyFcmError('not even an error')).toBe('permanent');
  });
});
