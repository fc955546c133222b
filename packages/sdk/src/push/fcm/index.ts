export { type FcmPushAdapter, fcmPushAdapter } from './fcm-push-adapter.js';
export type {
  FcmAppOptions,
  FcmCredentialOptions,
  FcmPushAdapterOptions,
  ServiceAccountKey,
} from './options.js';
