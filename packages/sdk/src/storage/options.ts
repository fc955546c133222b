import { z } from 'zod';
import { parseInput } from '../util/validate.js';
import type { StorageAdapter } from './types.js';

export interface StorageConfig {
  adapter: StorageAdapter;
  /**
   * Public URL where the host mounts `mdm.handleStorageRequest`, e.g. `https://mdm.example.com/mdm/storage`;
   * download URLs are `<publicUrl>/<key>?expires=…&signature=…`. Not needed when the adapter presigns.
   */
  publicUrl?: string;
  /** HMAC key of the download URLs, at least 32 characters. Required with `publicUrl`. */
  signingSecret?: string;
  /** Lifetime of a download URL from `upload` and `url` (default 7 days). */
  urlTtlSeconds?: number;
  /** Lifetime of the URL stored with an app version by `uploadAppVersion` (default 365 days). */
  appVersionUrlTtlSeconds?: number;
  /** Largest accepted upload (default 2 GiB). */
  maxUploadBytes?: number;
}

const storageConfigSchema = z
  .strictObject({
    adapter: z.custom<StorageAdapter>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        ['put', 'get', 'stat', 'delete'].every(
          (m) => typeof (v as Record<string, unknown>)[m] === 'function',
        ),
      'must be a StorageAdapter (put, get, stat, delete), e.g. localFileStorage({ directory })',
    ),
    publicUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    signingSecret: z.string().min(32, 'signingSecret must be at least 32 characters').optional(),
    urlTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(400 * 86_400)
      .default(7 * 86_400),
    appVersionUrlTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(3650 * 86_400)
      .default(365 * 86_400),
    maxUploadBytes: z
      .number()
      .int()
      .min(1)
      .default(2 * 1024 ** 3),
  })
  .refine((c) => typeof c.adapter.presignedUrl === 'function' || (c.publicUrl && c.signingSecret), {
    message: 'publicUrl and signingSecret are required unless the adapter presigns its own URLs',
    path: ['publicUrl'],
  });

export type StorageSettings = z.output<typeof storageConfigSchema>;

export function parseStorageConfig(config: StorageConfig | undefined): StorageSettings | null {
  return config === undefined ? null : parseInput(storageConfigSchema, config, 'createMDM config.storage');
}
