export { type LocalFileStorageOptions, localFileStorage } from './local-file-storage.js';
export type { StorageConfig } from './options.js';
export {
  type AppVersionUpload,
  StorageManager,
  type StoredObject,
  type UploadBody,
  type UploadOptions,
} from './storage-manager.js';
export type { StorageAdapter, StoredObjectBody } from './types.js';
