import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cert, deleteApp, initializeApp } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FcmEmulator, type FcmTokenFailure, startFcmEmulator } from './index.js';

let emulator: FcmEmulator;
beforeAll(async () => {
  emulator = await startFcmEmulator();
});
afterAll(async () => {
  await emulator.close();
});

function post(
  path: string,
  body: unknown,
  authorization?: string,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `https://fcm.googleapis.com${path}`,
      {
        method: 'POST',
        agent: emulator.httpAgent,
        headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const sendPath = () => `/v1/projects/${emulator.projectId}/messages:send`;

describe('FCM emulator', () => {
  it('issues access tokens to the service-account JWT grant and refuses other bearers', async () => {
    const { access_token } = await cert(emulator.serviceAccountPath, emulator.httpAgent).getAccessToken();

    const accepted = await post(sendPath(), { message: { token: 't1' } }, `Bearer ${access_token}`);
    const refused = await post(sendPath(), { message: { token: 't1' } }, 'Bearer ya29.not-issued-here');

    expect(accepted.status).toBe(200);
    expect(refused).toMatchObject({ status: 401, body: { error: { status: 'UNAUTHENTICATED' } } });
  });

  it('refuses a JWT grant signed by another key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmdm-foreign-key-'));
    try {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const foreign = {
        ...emulator.serviceAccount,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      };
      const path = join(dir, 'key.json');
      writeFileSync(path, JSON.stringify(foreign));
      await expect(cert(path, emulator.httpAgent).getAccessToken()).rejects.toThrow(/invalid_grant/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses fields FCM does not know', async () => {
    const { access_token } = await cert(emulator.serviceAccountPath, emulator.httpAgent).getAccessToken();
    const reply = await post(sendPath(), { message: { token: 't1', andriod: {} } }, `Bearer ${access_token}`);
    expect(reply).toMatchObject({ status: 400, body: { error: { status: 'INVALID_ARGUMENT' } } });
  });

  it.each([
    ['UNREGISTERED', 'messaging/registration-token-not-registered'],
    ['INVALID_ARGUMENT', 'messaging/invalid-argument'],
    ['SENDER_ID_MISMATCH', 'messaging/mismatched-credential'],
    ['QUOTA_EXCEEDED', 'messaging/message-rate-exceeded'],
    ['INTERNAL', 'messaging/internal-error'],
  ] as [FcmTokenFailure, string][])(
    'answers %s in the shape firebase-admin maps to %s',
    async (failure, code) => {
      const app = initializeApp(
        {
          projectId: emulator.projectId,
          credential: cert(emulator.serviceAccountPath, emulator.httpAgent),
          httpAgent: emulator.httpAgent,
        },
        randomUUID(),
      );
      const token = `token-${randomUUID()}`;
      emulator.failToken(token, failure);
      try {
        await expect(getMessaging(app).send({ token, data: { type: 'sync' } })).rejects.toMatchObject({
          code,
        });
      } finally {
        await deleteApp(app);
      }
    },
  );

  it('removes its key file on close', async () => {
    const other = await startFcmEmulator();
    await other.close();
    expect(existsSync(other.serviceAccountPath)).toBe(false);
  });
});
