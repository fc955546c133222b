import { afterEach, describe, expect, it } from 'vitest';
import { bridgeLines, fail, type Handler, ok, RecordingServer } from '../test/recording-server.js';
import { AgentHttpClient } from './http-client.js';
import { AgentIoError } from './java-io-error.js';

let server: RecordingServer;
let client: AgentHttpClient;

afterEach(async () => {
  client?.close();
  await server?.close();
});

function postHeartbeat() {
  return client.call({ method: 'POST', path: 'agent/heartbeat', route: 'heartbeat', body: '{}' });
}

async function setup(handler: Handler) {
  server = await RecordingServer.start(handler);
  client = new AgentHttpClient({ baseUrl: server.url(), retryBaseDelayMs: 5 });
}

describe('request framing', () => {
  it('writes an authenticated JSON POST with headers in OkHttp order', async () => {
    await setup(() => ok({}));
    await client.call({
      method: 'POST',
      path: 'agent/heartbeat',
      route: 'heartbeat',
      token: 'T',
      body: '{"a":1}',
    });
    expect(server.requests[0]!.raw.toString('utf8')).toBe(
      'POST /mdm/agent/heartbeat HTTP/1.1\r\n' +
        'Authorization: Bearer T\r\n' +
        'X-Openmdm-Protocol: 2\r\n' +
        'Content-Type: application/json; charset=UTF-8\r\n' +
        'Content-Length: 7\r\n' +
        `Host: 127.0.0.1:${server.port}\r\n` +
        'Connection: Keep-Alive\r\n' +
        'Accept-Encoding: gzip\r\n' +
        'User-Agent: okhttp/4.12.0\r\n' +
        '\r\n' +
        '{"a":1}',
    );
  });

  it('writes a body-less POST with Content-Length 0 and no Content-Type', async () => {
    await setup(() => ok());
    await client.call({ method: 'POST', path: 'agent/commands/c1/ack', route: 'commands/ack', token: 'T' });
    expect(server.requests[0]!.raw.toString('utf8')).toBe(
      'POST /mdm/agent/commands/c1/ack HTTP/1.1\r\n' +
        'Authorization: Bearer T\r\n' +
        'X-Openmdm-Protocol: 2\r\n' +
        'Content-Length: 0\r\n' +
        `${bridgeLines(server.port).join('\r\n')}\r\n\r\n`,
    );
  });

  it('writes an unauthenticated GET with no Content-Length, under a base URL that already ends in /', async () => {
    server = await RecordingServer.start(() => ({ status: 200, body: { challenge: 'x' } }));
    client = new AgentHttpClient({ baseUrl: `${server.url()}/` });
    await client.call({ method: 'GET', path: 'agent/enroll/challenge', route: 'enroll/challenge' });
    expect(server.requests[0]!.raw.toString('utf8')).toBe(
      'GET /mdm/agent/enroll/challenge HTTP/1.1\r\n' +
        'X-Openmdm-Protocol: 2\r\n' +
        `${bridgeLines(server.port).join('\r\n')}\r\n\r\n`,
    );
  });

  it('reuses one keep-alive connection and counts requests per route', async () => {
    await setup(() => ok());
    await client.call({
      method: 'POST',
      path: 'agent/heartbeat',
      route: 'heartbeat',
      token: 'T',
      body: '{}',
    });
    await client.call({
      method: 'POST',
      path: 'agent/heartbeat',
      route: 'heartbeat',
      token: 'T',
      body: '{}',
    });
    expect(server.requests.map((request) => request.connection)).toEqual([0, 0]);
    expect(client.counters.requests).toEqual({ heartbeat: 2 });
  });

  it('decompresses gzip bodies before decoding the envelope', async () => {
    await setup(() => ({
      status: 200,
      body: { ok: true, action: 'none', data: { deviceId: 'd' } },
      gzip: true,
    }));
    const response = await client.call({ method: 'POST', path: 'agent/enroll', route: 'enroll', body: '{}' });
    expect(response.body).toBe('{"deviceId":"d"}');
    expect(response.headers['content-encoding']).toBeUndefined();
  });
});

describe('envelope decoding', () => {
  it.each([
    ['reauth', 401],
    ['unenroll', 404],
  ])('turns ok:false %s into %i without retrying', async (action, status) => {
    await setup(() => fail(action));
    const response = await postHeartbeat();
    expect(response.status).toBe(status);
    expect(response.action).toBe(action);
    expect(server.requests).toHaveLength(1);
  });

  it('turns ok:false retry into 503, which the retry interceptor retries ×3', async () => {
    await setup(() => fail('retry', 'slow down'));
    const response = await postHeartbeat();
    expect(response.status).toBe(503);
    expect(response.body).toBe('{"error":"slow down","action":"retry"}');
    expect(server.requests).toHaveLength(3);
    expect(client.counters.retries).toBe(2);
  });

  it('leaves an envelope sent with a non-2xx status untouched', async () => {
    await setup(() => ({ status: 401, body: { ok: false, action: 'reauth' } }));
    const response = await postHeartbeat();
    expect(response.status).toBe(401);
    expect(response.action).toBeNull();
    expect(response.body).toBe('{"ok":false,"action":"reauth"}');
  });
});

describe('retry interceptor', () => {
  it('retries 500 twice then returns the 200 (3 requests)', async () => {
    let calls = 0;
    await setup(() => (++calls < 3 ? { status: 500, body: { error: 'boom' } } : ok({ fine: true })));
    const started = Date.now();
    const response = await postHeartbeat();
    expect(response.status).toBe(200);
    expect(response.body).toBe('{"fine":true}');
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]!.raw.equals(server.requests[2]!.raw)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15); // 5 ms then 10 ms
  });

  it('returns the third 5xx', async () => {
    await setup(() => ({ status: 502, body: 'bad gateway', headers: [['Content-Type', 'text/plain']] }));
    const response = await client.call({
      method: 'GET',
      path: 'agent/enroll/challenge',
      route: 'enroll/challenge',
    });
    expect(response.status).toBe(502);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry 4xx', async () => {
    await setup(() => ({ status: 429, body: { error: 'slow' } }));
    const response = await client.call({ method: 'POST', path: 'agent/enroll', route: 'enroll', body: '{}' });
    expect(response.status).toBe(429);
    expect(server.requests).toHaveLength(1);
  });

  it('retries I/O errors and throws the third', async () => {
    await setup(() => ({ destroy: true }));
    await expect(postHeartbeat()).rejects.toBeInstanceOf(AgentIoError);
    expect(server.requests).toHaveLength(3);
    expect(client.counters.ioErrors).toBe(3);
  });

  it('recovers from an I/O error on a later attempt', async () => {
    let calls = 0;
    await setup(() => (++calls === 1 ? { destroy: true } : ok({ n: calls })));
    const response = await postHeartbeat();
    expect(response.body).toBe('{"n":2}');
    expect(server.requests).toHaveLength(2);
  });

  it('retries once, transparently, a request that failed on a pooled keep-alive connection', async () => {
    let calls = 0;
    await setup(() => (++calls === 1 ? ok() : { destroy: true }));
    await postHeartbeat();
    await expect(postHeartbeat()).rejects.toBeInstanceOf(AgentIoError);
    // Call 2: the pooled connection fails and OkHttp retries on a fresh one (not counted as a retry),
    // which fails too; then the retry interceptor's attempts 2 and 3.
    expect(server.requests.map((request) => request.connection)).toEqual([0, 0, 1, 2, 3]);
    expect(client.counters.retries).toBe(2);
  });

  it('throws a connect failure after 3 attempts when nothing listens', async () => {
    server = await RecordingServer.start();
    const url = server.url();
    await server.close();
    client = new AgentHttpClient({ baseUrl: url, retryBaseDelayMs: 1 });
    const error = await client
      .call({ method: 'GET', path: 'agent/enroll/challenge', route: 'enroll/challenge' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentIoError);
    expect((error as AgentIoError).message).toMatch(/^Failed to connect to \/127\.0\.0\.1:\d+$/);
    expect(client.counters.requests['enroll/challenge']).toBe(3);
    expect(client.counters.retries).toBe(2);
  });
});
