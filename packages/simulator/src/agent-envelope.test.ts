import { describe, expect, it } from 'vitest';
import { decodeEnvelope, mediaSubtype } from './agent-envelope.js';

const json = { 'content-type': 'application/json; charset=utf-8' };

describe('decodeEnvelope', () => {
  it('unwraps ok:true to data, or {} when data is absent or null', () => {
    expect(
      decodeEnvelope({ status: 200, headers: json, body: '{"ok":true,"action":"none","data":{"a":1}}' }),
    ).toEqual({ status: 200, headers: json, body: '{"a":1}' });
    expect(decodeEnvelope({ status: 201, headers: json, body: '{"ok":true,"action":"none"}' }).body).toBe(
      '{}',
    );
    expect(
      decodeEnvelope({ status: 200, headers: json, body: '{"ok":true,"action":"x","data":null}' }).body,
    ).toBe('{}');
  });

  it.each([
    ['reauth', 401, 'Device authentication required'],
    ['unenroll', 404, 'Device not found'],
    ['retry', 503, 'Temporarily unavailable'],
    ['something-new', 503, 'Temporarily unavailable'],
  ])('maps ok:false %s to %i with the default message', (action, status, message) => {
    const decoded = decodeEnvelope({
      status: 200,
      headers: json,
      body: JSON.stringify({ ok: false, action }),
    });
    expect(decoded.status).toBe(status);
    expect(decoded.body).toBe(JSON.stringify({ error: message, action }));
    expect(decoded.headers['x-openmdm-action']).toBe(action);
  });

  it('keeps the server message on failures', () => {
    const body = '{"ok":false,"action":"reauth","message":"token expired"}';
    expect(decodeEnvelope({ status: 200, headers: json, body }).body).toBe(
      '{"error":"token expired","action":"reauth"}',
    );
  });

  it('passes through non-2xx, non-json, non-envelope and unparseable bodies', () => {
    const envelope = '{"ok":false,"action":"reauth"}';
    for (const response of [
      { status: 401, headers: json, body: envelope },
      { status: 500, headers: json, body: envelope },
      { status: 200, headers: { 'content-type': 'text/plain' }, body: envelope },
      { status: 200, headers: {}, body: envelope },
      { status: 200, headers: json, body: '{"challenge":"abc="}' },
      { status: 200, headers: json, body: '{"ok":"true","action":"none"}' },
      { status: 200, headers: json, body: '{"ok":true,"action":1}' },
      { status: 200, headers: json, body: '[1,2]' },
      { status: 200, headers: json, body: 'not json' },
    ]) {
      expect(decodeEnvelope(response)).toBe(response);
    }
  });

  it('treats any subtype containing json as json', () => {
    expect(mediaSubtype('application/problem+json')).toBe('problem+json');
    expect(mediaSubtype('Application/JSON')).toBe('json');
    expect(mediaSubtype(undefined)).toBe('');
    const decoded = decodeEnvelope({
      status: 200,
      headers: { 'content-type': 'application/vnd.api+json' },
      body: '{"ok":true,"action":"none","data":[1]}',
    });
    expect(decoded.body).toBe('[1]');
  });
});
