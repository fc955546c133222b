import { z } from 'zod';

/**
 * A wake-up hint for one device. Push never carries the command itself: the device pulls commands and
 * policy on its next heartbeat. The Android agent reacts to `type: "sync"` with an immediate heartbeat
 * (and treats every unknown type the same way).
 */
export const pushMessageSchema = z.strictObject({
  type: z.enum(['sync', 'command', 'policy']).default('sync'),
  /** The command that prompted the wake-up, for logs and for receivers that act on it. */
  commandId: z.string().min(1).max(64).optional(),
  /** High priority is used for urgent commands (lock, wipe, …) so FCM delivers through Doze. */
  priority: z.enum(['high', 'normal']).default('normal'),
  /** Seconds the push service may hold the message when the device is offline. */
  ttlSeconds: z.number().int().min(0).max(2_419_200).optional(),
  /** Extra string key/values passed as data to the device. */
  data: z.record(z.string().max(64), z.string().max(1024)).optional(),
});
export type PushMessage = z.output<typeof pushMessageSchema>;
export type PushMessageInput = z.input<typeof pushMessageSchema>;

/** Where a device can be reached, as registered by the agent (`POST /agent/push-token`). */
export interface PushTarget {
  deviceId: string;
  /** The provider the token belongs to (`fcm`); null for topic-addressed providers such as MQTT. */
  provider: string | null;
  token: string | null;
}

export type PushResult =
  | { deviceId: string; ok: true; messageId?: string }
  | {
      deviceId: string;
      ok: false;
      /**
       * `invalid_token`: the token is unregistered or malformed and must be forgotten;
       * `no_target`: the device has no push token for this provider;
       * `transient`: quota, unavailability, network: retry later with backoff;
       * `permanent`: any other refusal that a retry will not fix.
       */
      reason: 'invalid_token' | 'no_target' | 'transient' | 'permanent';
      error: string;
    };

export interface PushHealth {
  ok: boolean;
  provider: string;
  detail?: string;
}

/** The contract every push transport implements. */
export interface PushAdapter {
  /** Provider name, as the agent reports it in `pushConfig.provider` and `push-token` bodies. */
  readonly provider: string;
  /** What the enroll response advertises to the agent in `pushConfig` (besides `provider` and `pollingInterval`). */
  pushConfig?(deviceId: string): Record<string, string | number>;
  send(target: PushTarget, message: PushMessage): Promise<PushResult>;
  sendMany(targets: PushTarget[], message: PushMessage): Promise<PushResult[]>;
  health(): Promise<PushHealth>;
  close?(): Promise<void>;
}
