/**
 * A local stand-in for the FCM HTTP v1 send endpoint and Google's OAuth2 token endpoint, driven by the real,
 * unmodified firebase-admin client.
 *
 * Hook used: the `httpAgent` option, on the app (`initializeApp({ httpAgent })`) and on the credential
 * (`cert(serviceAccountPath, httpAgent)`), set to a `RedirectAgent` that connects every request here.
 * Why that one:
 * - firebase-admin builds the send URL from a constant (`FCM_SEND_HOST = 'fcm.googleapis.com'` in
 *   lib/messaging/messaging.js) and has no emulator variable for messaging. google-auth-library posts the
 *   service-account JWT grant to a constant `https://oauth2.googleapis.com/token`; a key's `token_uri` is
 *   not read. Both honour an agent: firebase-admin's HttpClient passes `app.options.httpAgent` to
 *   `https.request`, and `cert(path, agent)` hands the agent to google-auth-library's gaxios transport.
 * - `cert(object, agent)` drops the agent (firebase-admin-node#2960: the JWT client is built without the
 *   transporter options), so the key is also written to a file and tests pass its path.
 * - `sendEach()` uses an HTTP/2 session by default (`http2.connect('https://fcm.googleapis.com')`) that no
 *   agent can redirect. The adapter calls `messaging.enableLegacyHttpTransport()` whenever the app has an
 *   `httpAgent` (which a host behind a proxy agent needs anyway), so batches go through the agent too.
 *
 * What it checks: the JWT grant is RS256-signed by the throwaway service-account key, with the right `iss`,
 * `aud` and a messaging scope; each send carries a Bearer token this server issued, names the service
 * account's project and is a valid token-targeted message. Tests can make a token fail the way FCM does.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import {
  type FcmErrorResponse,
  type FcmTokenFailure,
  invalidArgument,
  notFound,
  permissionDenied,
  tokenFailure,
  unauthenticated,
} from './fcm-errors.js';
import { type FcmMessage, sendRequestSchema } from './fcm-message-schema.js';
import { RedirectAgent } from './redirect-agent.js';

const FCM_HOST = 'fcm.googleapis.com';
const OAUTH_HOST = 'oauth2.googleapis.com';
const TOKEN_AUDIENCE = `https://${OAUTH_HOST}/token`;
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const MESSAGING_SCOPES = [
  'https://www.googleapis.com/auth/firebase.messaging',
  'https://www.googleapis.com/auth/cloud-platform',
];
const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const ACCESS_TOKEN_TTL_SECONDS = 3599;
const MAX_BODY_BYTES = 1024 * 1024;

/** A service-account key file as the Firebase console downloads it, with a key pair made for this run. */
export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
}

export interface SentMessage {
  project: string;
  /** The resource name FCM answered, `projects/{project}/messages/{id}`. */
  name: string;
  message: FcmMessage;
  validateOnly: boolean;
}

export interface EmulatorRequest {
  host: string;
  method: string;
  path: string;
  status: number;
}

export interface FcmEmulator {
  readonly projectId: string;
  readonly serviceAccount: ServiceAccountKey;
  /** The same key as a file, the form `cert(path, httpAgent)` routes through the agent. Removed on close. */
  readonly serviceAccountPath: string;
  /** Pass as firebase-admin's `httpAgent`: every request it carries lands on this emulator. */
  readonly httpAgent: Agent;
  /** Messages accepted, in arrival order. */
  readonly sent: SentMessage[];
  /** Every request received, token exchanges and refused sends included. */
  readonly requests: EmulatorRequest[];
  /** From now on, sends to `token` fail as FCM fails them; `retryAfterSeconds` adds a `Retry-After` header. */
  failToken(token: string, failure: FcmTokenFailure, options?: { retryAfterSeconds?: number }): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function errorReply(error: FcmErrorResponse, headers?: Record<string, string>): Reply {
  return { status: error.httpStatus, body: error.body, ...(headers && { headers }) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFcmEmulator(options: { projectId?: string } = {}): Promise<FcmEmulator> {
  const projectId = options.projectId ?? `openmdm-emulator-${randomBytes(3).toString('hex')}`;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccount: ServiceAccountKey = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `firebase-adminsdk@${projectId}.iam.gserviceaccount.com`,
  };
  const keyDir = mkdtempSync(join(tmpdir(), 'openmdm-fcm-emulator-'));
  const serviceAccountPath = join(keyDir, 'service-account.json');
  writeFileSync(serviceAccountPath, JSON.stringify(serviceAccount), { mode: 0o600 });

  const accessTokens = new Map<string, number>();
  const failures = new Map<string, { failure: FcmTokenFailure; retryAfterSeconds?: number }>();
  const sent: SentMessage[] = [];
  const requests: EmulatorRequest[] = [];

  async function exchangeToken(body: string): Promise<Reply> {
    const params = new URLSearchParams(body);
    if (params.get('grant_type') !== JWT_BEARER_GRANT) {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' },
      };
    }
    let scope: unknown;
    try {
      const { payload } = await jwtVerify(params.get('assertion') ?? '', publicKey, {
        issuer: serviceAccount.client_email,
        audience: TOKEN_AUDIENCE,
        algorithms: ['RS256'],
      });
      scope = payload.scope;
    } catch {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
    }
    const scopes = typeof scope === 'string' ? scope.split(' ') : [];
    if (!MESSAGING_SCOPES.some((s) => scopes.includes(s))) {
      return { status: 400, body: { error: 'invalid_scope', error_description: 'No messaging scope.' } };
    }
    const accessToken = `ya29.emulator-${randomBytes(16).toString('hex')}`;
    accessTokens.set(accessToken, Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000);
    return {
      status: 200,
      body: { access_token: accessToken, expires_in: ACCESS_TOKEN_TTL_SECONDS, token_type: 'Bearer' },
    };
  }

  function isIssued(authorization: string | undefined): boolean {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const expiresAt = token ? accessTokens.get(token) : undefined;
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  function sendMessage(project: string, authorization: string | undefined, body: string): Reply {
    if (!isIssued(authorization)) return errorReply(unauthenticated());
    if (project !== projectId) return errorReply(permissionDenied(project));
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return errorReply(invalidArgument('Invalid JSON payload received.'));
    }
    const parsed = sendRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      return errorReply(invalidArgument(`Invalid value at '${field}': ${issue?.message}`, field));
    }
    const { message } = parsed.data;
    const injected = failures.get(message.token);
    if (injected) {
      const headers =
        injected.retryAfterSeconds === undefined
          ? undefined
          : { 'retry-after': String(injected.retryAfterSeconds) };
      return errorReply(tokenFailure(injected.failure), headers);
    }
    const name = `projects/${project}/messages/0:${Date.now()}%${randomBytes(8).toString('hex')}`;
    const validateOnly = parsed.data.validate_only ?? parsed.data.validateOnly ?? false;
    sent.push({ project, name, message, validateOnly });
    return { status: 200, body: { name } };
  }

  async function route(req: IncomingMessage, host: string, path: string): Promise<Reply> {
    const body = await readBody(req);
    if (req.method === 'POST' && host === OAUTH_HOST && path === '/token') return exchangeToken(body);
    const send = req.method === 'POST' && host === FCM_HOST ? SEND_PATH.exec(path) : null;
    if (send?.[1]) return sendMessage(decodeURIComponent(send[1]), req.headers.authorization, body);
    return errorReply(notFound(path));
  }

  const server = createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = req.url ?? '/';
    route(req, host, path)
      .catch(
        (error: unknown): Reply => ({ status: 500, body: { error: { code: 500, message: String(error) } } }),
      )
      .then((reply) => {
        requests.push({ host, method: req.method ?? '', path, status: reply.status });
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const httpAgent = new RedirectAgent((server.address() as AddressInfo).port);

  return {
    projectId,
    serviceAccount,
    serviceAccountPath,
    httpAgent,
    sent,
    requests,
    failToken(token, failure, failOptions) {
      failures.set(token, { failure, ...failOptions });
    },
    async close() {
      httpAgent.destroy();
      rmSync(keyDir, { recursive: true, force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
