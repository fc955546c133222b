import { z } from 'zod';

export const idSchema = z.string().min(1).max(64);
export const tagSchema = z.string().min(1).max(64);
export const metadataSchema = z.record(z.string().max(128), z.unknown());
export type Metadata = z.infer<typeof metadataSchema>;

/** Page size accepted by every list call: capped so no caller can ask for the whole table at once. */
export const pageLimitSchema = z.number().int().min(1).max(500).default(50);
export const cursorSchema = z.string().min(1).max(512);

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null when this page is the last. */
  nextCursor: string | null;
}

/** An Android application id such as `com.example.app`. */
export const androidPackageNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(
    /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/,
    'must be an Android package name such as com.example.app',
  );

export const sha256HexSchema = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a sha256 hex digest');
