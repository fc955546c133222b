import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMDM } from '../create-mdm.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { checkStorageKey, localFileStorage } from './local-file-storage.js';
import { signStorageUrl } from './signed-url.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const signingSecret = 'storage-signing-secret-0123456789abcdef';

describe('APK storage', () => {
  let directory: string;
  let server: http.Server;
  let publicUrl: string;
  let t: TestMDM;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'openmdm-storage-'));
    // A host mounting mdm.handleStorageRequest under /mdm/storage, as the agent handler would.
    server = http.createServer(async (req, res) => {
      const response = await t.mdm.handleStorageRequest(
        new Request(`http://${req.headers.host}${req.url}`, { method: req.method ?? 'GET' }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) Readable.fromWeb(response.body as never).pipe(res);
      else res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mdm/storage`;
    t = await createTestMDM('postgres', {
      storage: {
        adapter: localFileStorage({ directory }),
        publicUrl,
        signingSecret,
        maxUploadBytes: 8 * 1024 * 1024,
      },
      jobs: { enabled: false },
    });
  });

  afterAll(async () => {
    await t?.cleanup();
    await new Promise((resolve) => server.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  it('computes the sha256 on upload, from bytes or any stream, and serves signed URLs', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const stored = await t.mdm.storage.upload(bytes, { fileName: 'builds/app release.apk' });
    expect(stored).toMatchObject({
      size: bytes.length,
      sha256: sha256(bytes),
      contentType: 'application/vnd.android.package-archive',
    });
    expect(stored.key).toMatch(/^file_[0-9a-z]+-app-release\.apk$/);
    expect(stored.url.startsWith(`${publicUrl}/${stored.key}?expires=`)).toBe(true);

    const download = await fetch(stored.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-length')).toBe(String(bytes.length));
    expect(download.headers.get('content-type')).toBe('application/vnd.android.package-archive');
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(stored.sha256);
    const head = await fetch(stored.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));

    const chunks = [randomBytes(1000), randomBytes(70_000), randomBytes(5)];
    const whole = Buffer.concat(chunks);
    for (const body of [
      Readable.from(chunks),
      new Blob(chunks),
      Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>,
      (async function* () {
        yield* chunks;
      })(),
      whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.length),
    ]) {
      const result = await t.mdm.storage.upload(body as never);
      expect(result.sha256).toBe(sha256(whole));
      expect(result.size).toBe(whole.length);
    }
  });

  it('refuses tampered, expired and foreign URLs', async () => {
    const stored = await t.mdm.storage.upload(randomBytes(64));
    const tampered = new URL(stored.url);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 60));
    expect((await fetch(tampered)).status).toBe(403);
    const expired = signStorageUrl(publicUrl, signingSecret, stored.key, new Date(Date.now() - 1000));
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe('this download link has expired');
    expect((await fetch(`${publicUrl}/${stored.key}`)).status).toBe(403);
    const otherSecret = signStorageUrl(
      publicUrl,
      'another-secret-another-secret-123456',
      stored.key,
      new Date(Date.now() + 60_000),
    );
    expect((await fetch(otherSecret)).status).toBe(403);
    const missing = signStorageUrl(
      publicUrl,
      signingSecret,
      'file_missing.apk',
      new Date(Date.now() + 60_000),
    );
    expect((await fetch(missing)).status).toBe(404);
    expect((await fetch(stored.url, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${publicUrl}/..%2Fetc%2Fpasswd?expires=1&signature=x`)).status).toBe(404);
    expect(() => checkStorageKey('../secret')).toThrow(/invalid storage key/);
    expect(() => checkStorageKey('a/b')).toThrow(/invalid storage key/);
  });

  it('rejects uploads over the size limit and leaves no partial file', async () => {
    const before = await readdir(directory);
    await expect(
      t.mdm.storage.upload(Readable.from([randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024)])),
    ).rejects.toThrow(/exceeds maxUploadBytes/);
    expect(await readdir(directory)).toEqual(before);
  });

  it('issues installApp from an uploaded APK, with a URL that outlives the command', async () => {
    const apk = randomBytes(200_000);
    const app = await t.mdm.apps.register({ packageName: 'com.acme.pos', name: 'POS' });
    const version = await t.mdm.storage.uploadAppVersion(app.id, {
      body: apk,
      version: '2.0.0',
      versionCode: 20,
    });
    expect(version).toMatchObject({ versionCode: 20, sha256: sha256(apk), sizeBytes: apk.length });
    const expires = Number(new URL(version.url).searchParams.get('expires'));
    expect(expires * 1000 - Date.now()).toBeGreaterThan(300 * 86_400_000);

    const device = await t.mdm.devices.create({ name: 'installer' });
    const command = await t.mdm.storage.installApp(device.id, { appId: app.id, ttlSeconds: 3600 });
    expect(command.type).toBe('installApp');
    expect(command.payload).toMatchObject({
      packageName: 'com.acme.pos',
      sha256: sha256(apk),
      version: '2.0.0',
      versionCode: 20,
    });
    const url = command.payload.url as string;
    const commandExpiry = Number(new URL(url).searchParams.get('expires')) * 1000 - Date.now();
    expect(commandExpiry).toBeGreaterThan(3600_000);
    expect(commandExpiry).toBeLessThan(2 * 86_400_000);
    // What the agent does: a plain GET, then a sha256 check against the payload.
    const body = new Uint8Array(await (await fetch(url)).arrayBuffer());
    expect(sha256(body)).toBe(command.payload.sha256);

    await expect(
      t.mdm.storage.installApp(device.id, { appId: app.id, versionCode: 99 }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('validates its config, and says when storage is not configured', async () => {
    const adapter = localFileStorage({ directory });
    const build = (storage: unknown) => () =>
      createMDM({ database: t.mdm.database, storage: storage as never, jobs: { enabled: false } });
    expect(build({ adapter })).toThrow(/publicUrl and signingSecret are required/);
    expect(build({ adapter, publicUrl, signingSecret: 'short' })).toThrow(
      /signingSecret must be at least 32/,
    );
    expect(build({ adapter: {}, publicUrl, signingSecret })).toThrow(/must be a StorageAdapter/);
    expect(build({ adapter, publicUrl: 'ftp://x', signingSecret })).toThrow(/publicUrl/);
    const bare = createMDM({ database: t.mdm.database, jobs: { enabled: false } });
    await expect(bare.storage.upload(new Uint8Array(1))).rejects.toMatchObject({
      code: 'STORAGE_NOT_CONFIGURED',
    });
    expect((await bare.handleStorageRequest(new Request('http://x/mdm/storage/a.apk'))).status).toBe(404);
  });

  it('accepts one PUT to a signed upload URL and registers the file as an app version', async () => {
    const bytes = randomBytes(256 * 1024);
    const upload = await t.mdm.storage.createUploadUrl({ fileName: 'kiosk-2.0.apk' });
    expect(upload).toMatchObject({ method: 'PUT', contentType: 'application/vnd.android.package-archive' });
    const put = (url: string, body: Uint8Array) =>
      t.mdm.handleStorageRequest(new Request(url, { method: 'PUT', body, duplex: 'half' } as RequestInit));

    // a download link cannot be used to upload, nor an upload link to download
    const download = await t.mdm.storage.url(upload.key);
    expect((await put(download.url, bytes)).status).toBe(403);
    expect((await t.mdm.handleStorageRequest(new Request(upload.url))).status).toBe(403);

    const response = await put(upload.url, bytes);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ key: upload.key, size: bytes.length, sha256: sha256(bytes) });
    // single use: the key is taken now
    expect((await put(upload.url, randomBytes(10))).status).toBe(409);

    const app = await t.mdm.apps.register({ packageName: 'com.example.uploaded', name: 'Uploaded' });
    const version = await t.mdm.storage.uploadAppVersion(app.id, {
      key: upload.key,
      version: '2.0',
      versionCode: 20,
    });
    expect(version).toMatchObject({ sha256: sha256(bytes), sizeBytes: bytes.length, key: upload.key });
    await expect(
      t.mdm.storage.uploadAppVersion(app.id, { version: '2.1', versionCode: 21 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});
