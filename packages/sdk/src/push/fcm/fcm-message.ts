import type { TokenMessage } from 'firebase-admin/messaging';
import type { PushMessage } from '../types.js';

/**
 * The FCM data message for one wake-up.
 *
 * `data.type` is always `"sync"`: it is the one value the Android agent documents as "heartbeat now"
 * (protocol §7.1). `"command"` would send the agent down a branch that expects a full CommandResponse in
 * `payload`, and other values only work through its fall-back. What prompted the wake-up travels in
 * `reason` (and `commandId`), which the agent ignores and logs or other receivers may read.
 * The wake-up's own keys win over `message.data`.
 */
export function toFcmMessage(
  token: string,
  message: PushMessage,
  defaults: { ttlSeconds?: number | undefined },
  now: Date,
): TokenMessage {
  const ttlSeconds = message.ttlSeconds ?? defaults.ttlSeconds;
  return {
    token,
    data: {
      ...message.data,
      type: 'sync',
      reason: message.type,
      ...(message.commandId !== undefined && { commandId: message.commandId }),
      timestamp: now.toISOString(),
    },
    android: {
      priority: message.priority === 'high' ? 'high' : 'normal',
      // firebase-admin takes milliseconds and sends FCM a `"<seconds>s"` duration.
      ...(ttlSeconds !== undefined && { ttl: ttlSeconds * 1000 }),
    },
  };
}
