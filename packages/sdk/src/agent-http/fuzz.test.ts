import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacEnrollment, signDeviceToken } from '../../test/agent-fixtures.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { type AgentHandler, createAgentHandler } from './handler.js';
import { toNodeListener } from './node.js';

/** A digest of every table an agent request can write. */
async function snapshot(t: TestMDM): Promise<string> {
  const tables = [
    'mdm_devices',
    'mdm_commands',
    'mdm_events',
    'mdm_refresh_tokens',
    'mdm_enrollment_challenges',
  ];
  const parts: string[] = [];
  for (const table of tables) {
    const result = await t.mdm.database.db.execute(
      sql`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${sql.identifier(table)} x`,
    );
    parts.push(((result as unknown as { rows: { h: string }[] }).rows ?? [])[0]!.h);
  }
  return parts.join(',');
}

const oddStrings = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    '💥'.repeat(50),
    '<unknown ssid>',
    '../../etc/passwd',
    "' or 1=1 --",
  ),
  fc.constant('x'.repeat(100_000)),
);
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  oddStrings,
  fc.array(fc.integer(), { minLength: 5000, maxLength: 5000 }),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.nat(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.nat()),
);

function pathSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return 'lone%ZZsurrogate';
  }
}

/** How a request reaches the handler: as a Web Request, or over HTTP to `toNodeListener` on `node:http`. */
type Transport = 'web' | 'node';

describe.each([
  ['postgres', 'web'],
  ['pglite', 'web'],
  ['postgres', 'node'],
] as const)('fuzzing /agent/* on %s through %s', (driver, transport: Transport) => {
  let t: TestMDM;
  let handler: AgentHandler;
  let server: Server | null = null;
  let send: (path: string, init: RequestInit) => Promise<{ status: number; text: string }>;
  let token: string;
  let otherCommand: string;
  let forged: string[];
  beforeAll(async () => {
    t = await createTestMDM(driver);
    handler = createAgentHandler(t.mdm, {
      basePath: '/mdm',
      enrollRateLimit: false,
      maxBodyBytes: 256 * 1024,
    });
    if (transport === 'node') {
      const listening = createServer(toNodeListener(handler, { maxBodyBytes: 256 * 1024 }));
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      server = listening;
      const origin = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
      send = async (path, init) => {
        const response = await fetch(`${origin}/mdm${path}`, init);
        return { status: response.status, text: await response.text() };
      };
    } else {
      send = async (path, init) => {
        const response = await handler(new Request(`http://fuzz/mdm${path}`, init));
        return { status: response.status, text: await response.text() };
      };
    }
    const a = await t.mdm.enroll(hmacEnrollment());
    const b = await t.mdm.enroll(hmacEnrollment());
    token = a.token;
    otherCommand = (await t.mdm.devices.lock(b.deviceId)).id;
    forged = [
      await signDeviceToken(a.deviceId, { secret: 'not-the-fleet-secret-0123456789abcdef' }),
      await signDeviceToken(a.deviceId, { expiresAt: 1_000_000 }),
      await signDeviceToken(a.deviceId, { typ: 'JWT' }),
      `${token.slice(0, -2)}xx`,
      'garbage',
      '',
    ];
  }, 120_000);
  afterAll(async () => {
    if (server) {
      const listening = server;
      await new Promise((resolve) => listening.close(resolve));
    }
    await t.cleanup();
  });

  /** Requests that are invalid by construction: each must be refused without a 5xx or a write. */
  const request = fc.oneof(
    // Unauthenticated or forged, on every route and method.
    fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
      path: fc.constantFrom(
        '/agent/heartbeat',
        '/agent/push-token',
        '/agent/events',
        '/agent/config',
        '/agent/commands/pending',
        '/agent/commands/x/ack',
        '/agent/commands/x/complete',
        '/agent/commands/x/fail',
      ),
      auth: fc.nat({ max: 5 }).map((i) => ({ forged: i })),
      body: fc.option(anyJson),
      raw: fc.option(fc.constantFrom('{', '{"a":', 'null', '[', '\u0000', '{"batteryLevel":1e999}')),
    }),
    // A real device token, with a body that has a wrongly typed required field.
    fc.record({
      method: fc.constant('POST'),
      path: fc.constantFrom('/agent/heartbeat', '/agent/push-token', '/agent/events'),
      auth: fc.constant({ valid: true }),
      body: fc
        .tuple(fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 4 }), wrongType, oddStrings)
        .map(([extra, bad]) => ({
          ...extra,
          batteryLevel: typeof bad === 'number' ? 'x' : bad,
          token: bad,
          type: bad,
        })),
      raw: fc.constant(null),
    }),
    // A real device token on another device's command, or an unknown or odd id.
    fc.record({
      method: fc.constant('POST'),
      path: fc
        .tuple(
          fc.oneof(fc.constant('OTHER'), fc.constant('%E0%A4%A'), oddStrings.map(pathSegment)),
          fc.constantFrom('ack', 'complete', 'fail'),
        )
        .map(([id, action]) => `/agent/commands/${id}/${action}`),
      auth: fc.constant({ valid: true }),
      body: fc.option(fc.oneof(anyJson, fc.constant({ success: true }), fc.constant({ error: 'x' }))),
      raw: fc.constant(null),
    }),
    // Enrolment and refresh with anything but a valid signature or token.
    fc.record({
      method: fc.constant('POST'),
      path: fc.constantFrom('/agent/enroll', '/agent/refresh-token'),
      auth: fc.constant({ none: true }),
      body: fc.oneof(
        anyJson,
        fc
          .constant(hmacEnrollment())
          .chain((e) => fc.record({ signature: oddStrings }).map((s) => ({ ...e, ...s }))),
        fc.record({ refreshToken: oddStrings }),
      ),
      raw: fc.option(fc.constantFrom('{', '{"refreshToken":')),
    }),
  );

  it('answers every invalid request with a 4xx or a v2 failure envelope, and writes nothing', async () => {
    const before = await snapshot(t);
    await fc.assert(
      fc.asyncProperty(request, fc.boolean(), async (r, v2) => {
        const headers: Record<string, string> = {};
        if (v2) headers['x-openmdm-protocol'] = '2';
        if ('valid' in r.auth) headers.authorization = `Bearer ${token}`;
        if ('forged' in r.auth) headers.authorization = `Bearer ${forged[r.auth.forged]}`;
        const path = r.path.replace('OTHER', otherCommand);
        const body =
          r.method === 'GET' ? undefined : (r.raw ?? (r.body === null ? undefined : JSON.stringify(r.body)));
        const response = await send(path, { method: r.method, headers, body });
        const { text } = response;
        expect(response.status, `${r.method} ${path} → ${text.slice(0, 200)}`).toBeLessThan(500);
        if (response.status < 400) {
          expect(response.status).toBe(200);
          expect(JSON.parse(text), `${r.method} ${path}`).toMatchObject({ ok: false });
        }
      }),
      { numRuns: 150 },
    );
    expect(await snapshot(t)).toBe(before);
  }, 120_000);
});
