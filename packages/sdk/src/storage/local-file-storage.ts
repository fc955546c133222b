import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { newId } from '../domain/ids.js';
import { MDMError } from '../errors.js';
import { contentTypeFor } from './content-type.js';
import type { StorageAdapter } from './types.js';

const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Keys are single path segments, so no key can climb out of the directory. */
export function checkStorageKey(key: string): string {
  if (!keyPattern.test(key) || key.includes('..')) {
    throw new MDMError('VALIDATION_ERROR', `invalid storage key ${JSON.stringify(key)}`, { key });
  }
  return key;
}

export interface LocalFileStorageOptions {
  /** Directory the files are kept in; created when missing. */
  directory: string;
}

/**
 * Files in a local directory. Uploads are written to a temporary file and renamed into place, so a reader
 * never sees a partial file.
 */
export function localFileStorage(options: LocalFileStorageOptions): StorageAdapter {
  const { directory } = options;
  if (typeof directory !== 'string' || directory.length === 0) {
    throw new MDMError('VALIDATION_ERROR', 'localFileStorage: directory is required');
  }
  let ready: Promise<unknown> | null = null;
  const ensureDirectory = () => {
    ready ??= mkdir(directory, { recursive: true });
    return ready;
  };
  const pathOf = (key: string) => join(directory, checkStorageKey(key));

  return {
    name: 'local',
    async put(key, body) {
      const target = pathOf(key);
      await ensureDirectory();
      const temporary = join(directory, `.upload-${newId('tmp')}`);
      let size = 0;
      try {
        await pipeline(
          Readable.from(body),
          async function* (source: AsyncIterable<Uint8Array>) {
            for await (const chunk of source) {
              size += chunk.byteLength;
              yield chunk;
            }
          },
          createWriteStream(temporary),
        );
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return { size };
    },
    async stat(key) {
      try {
        const info = await stat(pathOf(key));
        return info.isFile() ? { size: info.size, contentType: contentTypeFor(key) } : null;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async get(key) {
      const info = await this.stat(key);
      if (!info) return null;
      const body = Readable.toWeb(createReadStream(pathOf(key))) as ReadableStream<Uint8Array>;
      return { body, ...info };
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
