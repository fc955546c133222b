import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { heartbeatBody, hmacEnrollment } from '../../test/agent-fixtures.js';
import { agentRoute, definePlugin } from '../plugins/define.js';
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

function rawGet(port: number, path: string): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString('utf8');
      });
      res.on('end', () => resolve([res.statusCode ?? 0, text]));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('mounting the agent handler', () => {
  let t: TestMDM;
  const servers: Server[] = [];
  beforeAll(async () => {
    t = await createTestMDM('postgres', {
      plugins: [
        definePlugin({
          name: 'echo',
          agentRoutes: [
            agentRoute({
              method: 'POST',
              path: '/echo',
              auth: 'none',
              body: z.object({ say: z.string() }),
              handler: async ({ body }) => ({ status: 201, body: { heard: body.say } }),
            }),
          ],
        }),
      ],
    });
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

  it('on node:http, answers plugin routes, HEAD and dot segments as the Web handler does', async () => {
    const handler = createAgentHandler(t.mdm, { basePath: '/mdm' });
    const node = createServer(toNodeListener(handler));
    // Any other Web handler goes through Web Request/Response objects, body included.
    const foreign = createServer(
      toNodeListener(async (request) => new Response(`${request.method} ${await request.text()}`)),
    );
    for (const s of [node, foreign]) {
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      servers.push(s);
    }
    const url = `http://127.0.0.1:${(node.address() as AddressInfo).port}/mdm`;
    const echo = await fetch(`${url}/agent/echo`, { method: 'POST', body: JSON.stringify({ say: 'hi' }) });
    expect([echo.status, await echo.json()]).toEqual([201, { heard: 'hi' }]);
    const head = await fetch(`${url}/healthz`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([
      200,
      'application/json; charset=utf-8',
      '',
    ]);
    // Sent as written (fetch would resolve the dot segments before sending).
    const port = (node.address() as AddressInfo).port;
    for (const path of [
      '/agent/../healthz',
      '/agent/%2e%2e/healthz',
      '/healthz?probe=1',
      '/agent/x%20y',
      '/agent/{x}',
    ]) {
      const web = await handler(new Request(`http://h/mdm${path}`));
      expect(await rawGet(port, `/mdm${path}`)).toEqual([web.status, await web.text()]);
    }
    const other = await fetch(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/x`, {
      method: 'POST',
      body: 'payload',
    });
    expect(await other.text()).toBe('POST payload');
  });
});
