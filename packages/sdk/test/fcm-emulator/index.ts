export {
  type EmulatorRequest,
  type FcmEmulator,
  type SentMessage,
  type ServiceAccountKey,
  startFcmEmulator,
} from './fcm-emulator.js';
export type { FcmTokenFailure } from './fcm-errors.js';
export { RedirectAgent } from './redirect-agent.js';
