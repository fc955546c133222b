import { createHash, randomBytes } from 'node:crypto';

/** A stand-in APK the demo serves, so `installApp` commands carry a real URL and a checkable sha256. */
export function createDemoApk(): { bytes: Buffer; sha256: string; packageName: string } {
  const bytes = randomBytes(64 * 1024);
  return {
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    packageName: 'com.example.field',
  };
}
