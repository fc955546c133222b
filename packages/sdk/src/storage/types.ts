/** An object as an adapter serves it. */
export interface StoredObjectBody {
  /** The bytes, streamed. */
  body: ReadableStream<Uint8Array>;
  size: number;
  contentType: string;
}

/**
 * Where uploaded files (APKs) live. The SDK streams uploads through `put` and computes their sha256 on the
 * way; downloads go through signed, expiring URLs, either the adapter's own (`presignedUrl`, e.g. S3) or the
 * SDK's, served by `mdm.handleStorageRequest`.
 */
export interface StorageAdapter {
  /** For logs: `local`, `s3`, … */
  readonly name: string;
  /** Stores `body` under `key` (replacing any object there); resolves to the number of bytes written. */
  put(key: string, body: AsyncIterable<Uint8Array>, info: { contentType: string }): Promise<{ size: number }>;
  /** The object, or null when there is none. */
  get(key: string): Promise<StoredObjectBody | null>;
  /** Size and type without the bytes, or null. */
  stat(key: string): Promise<{ size: number; contentType: string } | null>;
  delete(key: string): Promise<void>;
  /** A download URL the adapter signs itself; when absent, the SDK signs URLs to its own handler. */
  presignedUrl?(key: string, expiresInSeconds: number): Promise<string>;
}
