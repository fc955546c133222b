import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heartbeatBody, hmacEnrollment } from '../../test/agent-fixtures.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { createAgentHandler } from './handler.js';
import { toNodeListener } from './node.js';

/** What the agent sends on the wire (spec §1.3): protocol header, okhttp, Gson's content type. */
async function enrolAndBeat(url: string) {
  const headers = {
    'x-openmdm-protocol': '2',
    'user-agent': 'okhttp/4.12.0',
    'content-type': 'application/json; charset=UTF-8',
  };
  const enroll = await fetch(`${url}/agent/enroll`, {
    method: 'POST',
    headers,
    body: JSON.stringify(hmacEnrollment()),
  });
  const { data } = (await enroll.json()) as { data: { token: string } };
  const beat = await fetch(`${url}/agent/heartbeat`, {
    method: 'POST',
    headers: { ...headers, authorization: `Bearer ${data.token}` },
    body: JSON.stringify(heartbeatBody()),
  });
  const ack = await fetch(`${url}/agent/commands/cmd_none/ack`, {
    method: 'POST',
    headers: { 'x-openmdm-protocol': '2', authorization: `Bearer ${data.token}`, 'content-length': '0' },
  });
  return { enroll: enroll.status, beat: (await beat.json()) as { ok: boolean }, ack: ack.status };
}

describe('mounting the agent handler', () => {
  let t: TestMDM;
  const servers: Server[] = [];
  beforeAll(async () => {
    t = await createTestMDM('postgres');
  });
  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
    await t.cleanup();
  });

  it('in Hono on Node, under /mdm', async () => {
    const handler = createAgentHandler(t.mdm, { basePath: '/mdm' });
    const app = new Hono();
    app.get('/', (c) => c.text('host app'));
    app.all('/mdm/*', (c) => handler(c.req.raw));
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mdm`;
    expect(await enrolAndBeat(url)).toEqual({
      enroll: 200,
      beat: expect.objectContaining({ ok: true }),
      ack: 404,
    });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
  });

  it('in a bare node:http server, with a 413 for an oversized chunked body', async () => {
    const handler = createAgentHandler(t.mdm, { basePath: '/mdm', maxBodyBytes: 64 * 1024 });
    const server = createServer(toNodeListener(handler, { maxBodyBytes: 64 * 1024 }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mdm`;
    expect(await enrolAndBeat(url)).toEqual({
      enroll: 200,
      beat: expect.objectContaining({ ok: true }),
      ack: 404,
    });
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const big = await fetch(`${url}/agent/enroll`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(big.status).toBe(413);
  });
});
