import { randomUUID } from 'node:crypto';
import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import { silentLogger } from '../../logger.js';
import type { PushAdapter, PushMessage, PushResult, PushTarget } from '../types.js';
import { classifyFcmError } from './classify-error.js';
import { toFcmMessage } from './fcm-message.js';
import { type FcmPushAdapterOptions, parseFcmOptions } from './options.js';

/** FCM accepts at most 500 messages per `sendEach` call. */
const FCM_BATCH_SIZE = 500;

export interface FcmPushAdapter extends PushAdapter {
  readonly provider: 'fcm';
  /** `{ fcmSenderId }` when `senderId` is configured, else `{}`. */
  pushConfig(deviceId: string): Record<string, string>;
  close(): Promise<void>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * A PushAdapter on the firebase-admin messaging client: each wake-up is an FCM data message that makes the
 * Android agent heartbeat at once. Options are validated up front (`ValidationError`, code VALIDATION_ERROR).
 */
export function fcmPushAdapter(options: FcmPushAdapterOptions): FcmPushAdapter {
  const config = parseFcmOptions(options);
  const log = (config.logger ?? silentLogger).child({ component: 'push', provider: 'fcm' });
  const ownsApp = config.app === undefined;
  const app: App =
    config.app ??
    initializeApp(
      { projectId: config.projectId, credential: config.credential, httpAgent: config.httpAgent },
      `openmdm-fcm-${randomUUID()}`,
    );
  const messaging = getMessaging(app);
  // sendEach's default HTTP/2 session connects to fcm.googleapis.com directly and ignores `httpAgent`;
  // a host that routes through an agent (proxy, custom TLS) wants the batches to follow it too.
  if (app.options.httpAgent) messaging.enableLegacyHttpTransport();
  const defaults = { ttlSeconds: config.androidTtlSeconds };
  let closed = false;

  function fcmToken(target: PushTarget): string | null {
    return target.provider === 'fcm' && target.token ? target.token : null;
  }

  function noTarget(target: PushTarget): PushResult {
    return { deviceId: target.deviceId, ok: false, reason: 'no_target', error: 'device has no FCM token' };
  }

  function failure(deviceId: string, error: unknown): PushResult {
    return { deviceId, ok: false, reason: classifyFcmError(error), error: errorMessage(error) };
  }

  function logFailure(fields: Record<string, unknown>, result: PushResult, error: unknown): void {
    if (result.ok) return;
    log.warn(
      { ...fields, reason: result.reason, code: errorCode(error), err: result.error },
      'FCM wake-up failed',
    );
  }

  function closedResult(deviceId: string): PushResult {
    return { deviceId, ok: false, reason: 'permanent', error: 'FCM push adapter is closed' };
  }

  return {
    provider: 'fcm',

    pushConfig(): Record<string, string> {
      return config.senderId ? { fcmSenderId: config.senderId } : {};
    },

    async send(target, message) {
      if (closed) return closedResult(target.deviceId);
      const token = fcmToken(target);
      if (!token) return noTarget(target);
      try {
        const messageId = await messaging.send(toFcmMessage(token, message, defaults, new Date()));
        log.debug({ deviceId: target.deviceId, messageId }, 'FCM wake-up sent');
        return { deviceId: target.deviceId, ok: true, messageId };
      } catch (error) {
        const result = failure(target.deviceId, error);
        logFailure({ deviceId: target.deviceId }, result, error);
        return result;
      }
    },

    async sendMany(targets: PushTarget[], message: PushMessage) {
      if (closed) return targets.map((t) => closedResult(t.deviceId));
      const results: PushResult[] = targets.map(noTarget);
      const sendable = targets.flatMap((target, index) => {
        const token = fcmToken(target);
        return token ? [{ index, deviceId: target.deviceId, token }] : [];
      });
      const now = new Date();
      for (let start = 0; start < sendable.length; start += FCM_BATCH_SIZE) {
        const batch = sendable.slice(start, start + FCM_BATCH_SIZE);
        try {
          const { responses } = await messaging.sendEach(
            batch.map(({ token }) => toFcmMessage(token, message, defaults, now)),
          );
          responses.forEach((response, i) => {
            const { index, deviceId } = batch[i]!;
            if (response.success) {
              results[index] = {
                deviceId,
                ok: true,
                ...(response.messageId && { messageId: response.messageId }),
              };
              return;
            }
            const result = failure(deviceId, response.error);
            results[index] = result;
            logFailure({ deviceId }, result, response.error);
          });
        } catch (error) {
          // The whole batch failed (no access token, client error): one log line, not one per device.
          for (const { index, deviceId } of batch) results[index] = failure(deviceId, error);
          logFailure({ batchSize: batch.length }, results[batch[0]!.index]!, error);
        }
      }
      log.debug(
        { targets: targets.length, sent: results.filter((r) => r.ok).length },
        'FCM wake-up batch finished',
      );
      return results;
    },

    async health() {
      if (closed) return { ok: false, provider: 'fcm', detail: 'closed' };
      try {
        // `app.options` throws once a host deletes its own App; the credential is never absent after init.
        const { credential, projectId } = app.options;
        await credential?.getAccessToken();
        return { ok: true, provider: 'fcm', ...(projectId && { detail: `project ${projectId}` }) };
      } catch (error) {
        return {
          ok: false,
          provider: 'fcm',
          detail: `cannot obtain an access token: ${errorMessage(error)}`,
        };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      if (ownsApp) await deleteApp(app);
    },
  };
}
