import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, webhookSecretProblem } from './secrets.js';
import { computeWebhookSignature, signWebhook } from './signature.js';
import { verifyWebhook, WebhookVerificationError } from './verify-webhook.js';

// The reference vector of the Standard Webhooks specification.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return 'verified';
}

describe('Standard Webhooks signatures', () => {
  it('matches the specification vector', () => {
    expect(computeWebhookSignature(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(
      vector.signature,
    );
    const headers = signWebhook({
      id: vector.id,
      body: vector.body,
      secrets: [vector.secret],
      timestamp: vector.timestamp,
    });
    expect(headers).toEqual({
      'webhook-id': vector.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': `v1,${vector.signature}`,
    });
    const now = new Date(vector.timestamp * 1000);
    expect(verifyWebhook(vector.body, headers, vector.secret, { now })).toEqual({ test: 2432232314 });
  });

  it('signs with every secret during a rotation, so either secret verifies', () => {
    const [oldSecret, newSecret, other] = [
      generateWebhookSecret(),
      generateWebhookSecret(),
      generateWebhookSecret(),
    ];
    const headers = signWebhook({ id: 'whd_1', body: '{"a":1}', secrets: [newSecret, oldSecret] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWebhook('{"a":1}', headers, oldSecret)).toEqual({ a: 1 });
    expect(verifyWebhook('{"a":1}', headers, newSecret)).toEqual({ a: 1 });
    expect(verifyWebhook('{"a":1}', headers, [other, newSecret])).toEqual({ a: 1 });
    expect(reason(() => verifyWebhook('{"a":1}', headers, other))).toBe('invalid_signature');
  });

  it('refuses a changed body, an old or future timestamp and missing headers', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({
      id: 'whd_2',
      body: '{"a":1}',
      secrets: [secret],
      timestamp: 1_700_000_000,
    });
    const at = (s: number) => ({ now: new Date(s * 1000) });
    expect(reason(() => verifyWebhook('{"a":2}', headers, secret, at(1_700_000_000)))).toBe(
      'invalid_signature',
    );
    expect(reason(() => verifyWebhook('{"a":1}', headers, secret, at(1_700_000_301)))).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(reason(() => verifyWebhook('{"a":1}', headers, secret, at(1_699_999_000)))).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(
      reason(() =>
        verifyWebhook('{"a":1}', headers, secret, { ...at(1_700_000_900), toleranceSeconds: 1000 }),
      ),
    ).toBe('verified');
    expect(reason(() => verifyWebhook('{"a":1}', { 'webhook-id': 'x' }, secret))).toBe('missing_headers');
    expect(reason(() => verifyWebhook('{"a":1}', { ...headers, 'webhook-timestamp': 'soon' }, secret))).toBe(
      'invalid_timestamp',
    );
  });

  it('reads Fetch Headers, Node header records (any case, arrays) and byte bodies', () => {
    const secret = generateWebhookSecret();
    const body = '{"type":"device.enrolled"}';
    const signed = signWebhook({ id: 'whd_3', body, secrets: [secret] });
    expect(verifyWebhook(body, new Headers(signed), secret)).toEqual({ type: 'device.enrolled' });
    const nodeStyle = {
      'Webhook-Id': [signed['webhook-id']],
      'WEBHOOK-TIMESTAMP': signed['webhook-timestamp'],
      'webhook-signature': signed['webhook-signature'],
    };
    expect(verifyWebhook(Buffer.from(body), nodeStyle, [secret])).toEqual({ type: 'device.enrolled' });
  });

  it('accepts only whsec_ secrets of 24 to 64 bytes', () => {
    expect(webhookSecretProblem(generateWebhookSecret())).toBeNull();
    expect(webhookSecretProblem(vector.secret)).toBeNull();
    expect(webhookSecretProblem('hunter2')).toMatch(/whsec_/);
    expect(webhookSecretProblem('whsec_c2hvcnQ=')).toMatch(/24-64 bytes/);
    expect(webhookSecretProblem('whsec_not base64!')).toMatch(/base64/);
  });
});
