import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { MDMInstance } from '../create-mdm.js';
import type { AppVersion } from '../domain/app.js';
import type { Command, CommandInput } from '../domain/command.js';
import { newId } from '../domain/ids.js';
import { MDMError, NotFoundError, ValidationError } from '../errors.js';
import { contentTypeFor } from './content-type.js';
import { checkStorageKey } from './local-file-storage.js';
import type { StorageSettings } from './options.js';
import { checkStorageSignature, signStorageUrl } from './signed-url.js';

/** What `upload` accepts: bytes, a Blob, a web or Node stream, or any async iterable of bytes. */
export type UploadBody =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | NodeJS.ReadableStream
  | AsyncIterable<Uint8Array>;

export interface StoredObject {
  key: string;
  size: number;
  /** Lowercase hex sha256 of the bytes, computed while they were stored. */
  sha256: string;
  contentType: string;
  /** A signed download URL. */
  url: string;
  expiresAt: Date;
}

export interface UploadOptions {
  /** Original file name: its extension picks the media type and it ends the key (`app-release.apk`). */
  fileName?: string;
  contentType?: string;
}

export interface AppVersionUpload extends UploadOptions {
  /** The APK bytes; or `key`, a file already PUT to a URL from `createUploadUrl`. */
  body?: UploadBody;
  key?: string;
  version: string;
  versionCode: number;
  minSdkVersion?: number;
  releaseNotes?: string;
}

type InstallOptions = Omit<Extract<CommandInput, { type: 'installApp' }>, 'type' | 'payload'> & {
  appId: string;
  /** A specific version; the highest version code when omitted. */
  versionCode?: number;
  autoGrantPermissions?: boolean;
};

function toAsyncIterable(body: UploadBody): AsyncIterable<Uint8Array> {
  if (body instanceof Uint8Array) return Readable.from([body]);
  if (body instanceof ArrayBuffer) return Readable.from([new Uint8Array(body)]);
  if (typeof Blob !== 'undefined' && body instanceof Blob) return Readable.fromWeb(body.stream() as never);
  if (typeof (body as ReadableStream).getReader === 'function') return Readable.fromWeb(body as never);
  return body as AsyncIterable<Uint8Array>;
}

function safeName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return (
    base
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(-80) || 'file.apk'
  );
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/**
 * APK hosting (`mdm.storage`): uploads through the configured StorageAdapter with their sha256, signed
 * expiring download URLs, and the request handler those URLs point to.
 */
export class StorageManager {
  constructor(
    private readonly settings: StorageSettings | null,
    private readonly instance: () => MDMInstance,
  ) {}

  get configured(): boolean {
    return this.settings !== null;
  }

  /** Streams a file into storage, hashing it on the way; resolves to its key, sha256 and a download URL. */
  async upload(body: UploadBody, options: UploadOptions = {}): Promise<StoredObject> {
    const { key, contentType } = this.newKey(options);
    const { size, sha256 } = await this.store(key, body, contentType);
    const { url, expiresAt } = await this.url(key);
    return { key, size, sha256, contentType, url, expiresAt };
  }

  /**
   * A signed, expiring URL a client can PUT one file to (an admin UI uploading an APK straight to storage).
   * Register it afterwards with `uploadAppVersion(appId, { key, … })`.
   */
  async createUploadUrl(
    options: UploadOptions & { expiresInSeconds?: number } = {},
  ): Promise<{ key: string; url: string; method: 'PUT'; contentType: string; expiresAt: Date }> {
    const settings = this.require();
    if (!settings.publicUrl || !settings.signingSecret) {
      throw new MDMError(
        'STORAGE_UPLOAD_URLS_UNAVAILABLE',
        'upload URLs need storage.publicUrl and signingSecret',
      );
    }
    const { key, contentType } = this.newKey(options);
    const expiresAt = new Date(Date.now() + (options.expiresInSeconds ?? 900) * 1000);
    const url = signStorageUrl(settings.publicUrl, settings.signingSecret, key, expiresAt, 'upload');
    return { key, url, method: 'PUT', contentType, expiresAt };
  }

  private newKey(options: UploadOptions): { key: string; contentType: string } {
    this.require();
    const fileName = safeName(options.fileName ?? 'file.apk');
    const key = checkStorageKey(`${newId('file')}-${fileName}`);
    return { key, contentType: options.contentType ?? contentTypeFor(fileName) };
  }

  /** Streams `body` to `key`, hashing it on the way and refusing more than `maxUploadBytes`. */
  private async store(
    key: string,
    body: UploadBody,
    contentType: string,
  ): Promise<{ size: number; sha256: string }> {
    const settings = this.require();
    const hash = createHash('sha256');
    let size = 0;
    const source = toAsyncIterable(body);
    const tapped = (async function* () {
      for await (const chunk of source) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.byteLength;
        if (size > settings.maxUploadBytes) {
          throw new ValidationError(`upload exceeds maxUploadBytes (${settings.maxUploadBytes})`, [
            { path: ['body'], message: 'too large' },
          ]);
        }
        hash.update(bytes);
        yield bytes;
      }
    })();
    await settings.adapter.put(key, tapped, { contentType });
    return { size, sha256: hash.digest('hex') };
  }

  /** The sha256 and size of a stored object, read back from the adapter. */
  private async digest(key: string): Promise<{ size: number; sha256: string }> {
    const object = await this.require().adapter.get(checkStorageKey(key));
    if (!object) throw new NotFoundError('stored file', key);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of Readable.fromWeb(object.body as never) as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
    return { size, sha256: hash.digest('hex') };
  }

  /** A signed download URL for a stored key. */
  async url(
    key: string,
    options: { expiresInSeconds?: number } = {},
  ): Promise<{ url: string; expiresAt: Date }> {
    const settings = this.require();
    checkStorageKey(key);
    const seconds = options.expiresInSeconds ?? settings.urlTtlSeconds;
    const expiresAt = new Date(Date.now() + seconds * 1000);
    if (settings.adapter.presignedUrl)
      return { url: await settings.adapter.presignedUrl(key, seconds), expiresAt };
    return { url: signStorageUrl(settings.publicUrl!, settings.signingSecret!, key, expiresAt), expiresAt };
  }

  async stat(key: string): Promise<{ size: number; contentType: string } | null> {
    return this.require().adapter.stat(checkStorageKey(key));
  }

  async delete(key: string): Promise<void> {
    await this.require().adapter.delete(checkStorageKey(key));
  }

  /** The key of a download URL this SDK signed, or null for any other URL. */
  keyOf(url: string): string | null {
    const base = this.settings?.publicUrl?.replace(/\/+$/, '');
    if (!base || !url.startsWith(`${base}/`)) return null;
    const segment = url.slice(base.length + 1).split(/[?#]/)[0]!;
    try {
      return checkStorageKey(decodeURIComponent(segment));
    } catch {
      return null;
    }
  }

  /**
   * Serves signed download URLs: mount it at `publicUrl` (GET and HEAD). The key is the last path segment,
   * so it works whatever prefix the host strips. 403 for a bad or expired signature, 404 for a missing file.
   */
  async handleRequest(request: Request): Promise<Response> {
    const settings = this.settings;
    if (!settings?.signingSecret) return text(404, 'storage is not configured');
    if (request.method === 'PUT') return this.handleUpload(request, settings.signingSecret);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: { allow: 'GET, HEAD, PUT' } });
    }
    const url = new URL(request.url);
    let key: string;
    try {
      key = checkStorageKey(decodeURIComponent(url.pathname.split('/').pop() ?? ''));
    } catch {
      return text(404, 'not found');
    }
    const check = checkStorageSignature(settings.signingSecret, key, url.searchParams);
    if (!check.ok)
      return text(403, check.reason === 'expired' ? 'this download link has expired' : 'invalid signature');
    const headers = (info: { size: number; contentType: string }) => ({
      'content-type': info.contentType,
      'content-length': String(info.size),
      'content-disposition': `attachment; filename="${key}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    });
    if (request.method === 'HEAD') {
      const info = await settings.adapter.stat(key);
      return info ? new Response(null, { status: 200, headers: headers(info) }) : text(404, 'not found');
    }
    const object = await settings.adapter.get(key);
    if (!object) return text(404, 'not found');
    return new Response(object.body, { status: 200, headers: headers(object) });
  }

  /** PUT to a signed upload URL: stores the body once under the signed key; 201 with its size and sha256. */
  private async handleUpload(request: Request, secret: string): Promise<Response> {
    const url = new URL(request.url);
    let key: string;
    try {
      key = checkStorageKey(decodeURIComponent(url.pathname.split('/').pop() ?? ''));
    } catch {
      return text(404, 'not found');
    }
    const check = checkStorageSignature(secret, key, url.searchParams, new Date(), 'upload');
    if (!check.ok)
      return text(403, check.reason === 'expired' ? 'this upload link has expired' : 'invalid signature');
    if (!request.body) return text(400, 'empty upload');
    if (await this.require().adapter.stat(key)) return text(409, 'this upload link was already used');
    try {
      const stored = await this.store(
        key,
        request.body,
        request.headers.get('content-type') ?? contentTypeFor(key),
      );
      return new Response(JSON.stringify({ key, ...stored }), {
        status: 201,
        headers: { 'content-type': 'application/json' },
      });
    } catch (error) {
      await this.require()
        .adapter.delete(key)
        .catch(() => {});
      if (error instanceof ValidationError) return text(413, error.message);
      throw error;
    }
  }

  /** Uploads an APK and registers it as a version of an app, with its sha256, size and a long-lived URL. */
  async uploadAppVersion(appId: string, input: AppVersionUpload): Promise<AppVersion & { key: string }> {
    const settings = this.require();
    const apps = this.instance().apps;
    await apps.get(appId);
    if ((input.body === undefined) === (input.key === undefined)) {
      throw new ValidationError('give either body or key', [
        { path: ['body'], message: 'give either body or key' },
      ]);
    }
    const stored = input.key
      ? { key: checkStorageKey(input.key), ...(await this.digest(input.key)) }
      : await this.upload(input.body!, {
          fileName: input.fileName ?? 'app.apk',
          ...(input.contentType && { contentType: input.contentType }),
        });
    try {
      const { url } = await this.url(stored.key, { expiresInSeconds: settings.appVersionUrlTtlSeconds });
      const version = await apps.addVersion(appId, {
        version: input.version,
        versionCode: input.versionCode,
        url,
        sha256: stored.sha256,
        sizeBytes: stored.size,
        ...(input.minSdkVersion !== undefined && { minSdkVersion: input.minSdkVersion }),
        ...(input.releaseNotes !== undefined && { releaseNotes: input.releaseNotes }),
      });
      return { ...version, key: stored.key };
    } catch (error) {
      await settings.adapter.delete(stored.key).catch(() => {});
      throw error;
    }
  }

  /**
   * Queues `installApp` for an app version. A URL this SDK signed is signed afresh so that it outlives the
   * command; the agent verifies the download against `sha256`.
   */
  async installApp(deviceId: string, options: InstallOptions): Promise<Command> {
    const { appId, versionCode, autoGrantPermissions, ...commandOptions } = options;
    const mdm = this.instance();
    const app = await mdm.apps.get(appId);
    const versions = await mdm.apps.versions(appId);
    const version =
      versionCode === undefined ? versions[0] : versions.find((v) => v.versionCode === versionCode);
    if (!version) throw new NotFoundError('app version', `${app.packageName}@${versionCode ?? 'latest'}`);
    const key = this.keyOf(version.url);
    const ttl = commandOptions.ttlSeconds ?? mdm.context.settings.commandTtlSeconds;
    const url = key ? (await this.url(key, { expiresInSeconds: ttl + 86_400 })).url : version.url;
    return mdm.commands.send(deviceId, {
      ...commandOptions,
      type: 'installApp',
      payload: {
        packageName: app.packageName,
        url,
        ...(version.sha256 && { sha256: version.sha256 }),
        version: version.version,
        versionCode: version.versionCode,
        ...(autoGrantPermissions !== undefined && { autoGrantPermissions }),
      },
    });
  }

  private require(): StorageSettings {
    if (!this.settings) {
      throw new MDMError('STORAGE_NOT_CONFIGURED', 'no storage is configured: pass `storage` to createMDM');
    }
    return this.settings;
  }
}
