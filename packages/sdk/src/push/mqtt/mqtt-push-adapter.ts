import { randomUUID } from 'node:crypto';
import { connect } from 'mqtt';
import { ValidationError } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import { backoffDelayMs } from '../../util/backoff.js';
import { parseInput } from '../../util/validate.js';
import type { PushAdapter, PushMessage, PushResult, PushTarget } from '../types.js';
import { type MqttPushAdapterOptions, mqttOptionsSchema } from './options.js';
import { deviceTopics, isTopicLevel } from './topics.js';

export interface MqttPresenceEvent {
  deviceId: string;
  online: boolean;
}

export interface MqttAckEvent {
  deviceId: string;
  /** The `messageId` of the wake-up the device acknowledges. */
  messageId: string;
}

type Listener<E> = (event: E) => void | Promise<void>;

export interface MqttPushAdapter extends PushAdapter {
  readonly provider: 'mqtt';
  pushConfig(deviceId: string): { mqttUrl: string; mqttTopic: string };
  /** Needs `presence: true`. Returns a function that removes the listener. */
  onPresence(listener: Listener<MqttPresenceEvent>): () => void;
  /** Needs `acks: true`. Returns a function that removes the listener. */
  onAck(listener: Listener<MqttAckEvent>): () => void;
  close(): Promise<void>;
}

const CONTEXT = 'mqttPushAdapter options';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Settle = (error?: Error) => void;

/**
 * A wait that ends at the first of: `settle()` (resolve), `settle(error)` (reject), or `ms` passing (reject
 * with `timeoutMessage`). While pending it sits in `pending`, so that one broker event can end every wait,
 * and it leaves no listener or timer behind once ended.
 */
function waitFor(
  pending: Set<Settle>,
  ms: number,
  timeoutMessage: string,
): { promise: Promise<void>; settle: Settle } {
  let settle: Settle = () => {};
  const promise = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => settle(new Error(timeoutMessage)), ms);
    settle = (error) => {
      clearTimeout(timer);
      pending.delete(settle);
      if (error) reject(error);
      else resolve();
    };
    pending.add(settle);
  });
  return { promise, settle };
}

function settleAll(pending: Set<Settle>, error?: Error): void {
  for (const settle of [...pending]) settle(error);
}

/** The broker URL as devices may see it: without the server's credentials. */
function publicUrl(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

function parseJson(payload: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * A PushAdapter on an MQTT broker (mqtt.js): each wake-up is a QoS `qos` (default 1), non-retained JSON
 * message `{messageId, type, commandId?, priority, timestamp, data?}` on `{prefix}/{deviceId}/commands`.
 * Any device can be addressed (no token). A send resolves once the broker has acknowledged it, and answers
 * `transient` within `connectTimeoutMs` + `publishTimeoutMs` when the broker is away; mqtt.js reconnects
 * meanwhile with a doubling delay. Options are validated up front (`ValidationError`).
 */
export function mqttPushAdapter(options: MqttPushAdapterOptions): MqttPushAdapter {
  const config = parseInput(mqttOptionsSchema, options, CONTEXT);
  const log = (config.logger ?? silentLogger).child({ component: 'push', provider: 'mqtt' });
  const brokerUrl = publicUrl(config.url);
  const topics = deviceTopics(config.topicPrefix);
  const subscriptions = [
    ...(config.presence ? [topics.presenceFilter] : []),
    ...(config.acks ? [topics.ackFilter] : []),
  ];
  const presenceListeners = new Set<Listener<MqttPresenceEvent>>();
  const ackListeners = new Set<Listener<MqttAckEvent>>();

  const client = connect(config.url, {
    clientId: config.clientId ?? `openmdm-push-${randomUUID()}`,
    username: config.username,
    password: config.password,
    ...config.tls,
    connectTimeout: config.connectTimeoutMs,
    reconnectPeriod: config.reconnectPeriodMs,
    clean: true,
    // Subscriptions are made again on every `connect` below, with their SUBACK tracked for health().
    resubscribe: false,
  });

  let closed = false;
  let subscribed = subscriptions.length === 0;
  let subscriptionProblem: string | undefined;
  let reconnectAttempts = 0;
  /** Sends waiting for a connection, and sends waiting for their PUBACK. */
  const awaitingConnection = new Set<Settle>();
  const awaitingAck = new Set<Settle>();

  function subscribe(): void {
    client.subscribe(subscriptions, { qos: 1 }, (error, granted) => {
      const refused = (granted ?? []).filter((grant) => grant.qos === 128).map((grant) => grant.topic);
      if (error || refused.length > 0) {
        subscriptionProblem = error ? errorMessage(error) : `broker refused ${refused.join(', ')}`;
        log.error({ topics: subscriptions, err: subscriptionProblem }, 'MQTT subscription failed');
        return;
      }
      subscribed = true;
      subscriptionProblem = undefined;
    });
  }

  client.on('connect', () => {
    reconnectAttempts = 0;
    client.options.reconnectPeriod = config.reconnectPeriodMs;
    log.info({ url: brokerUrl }, 'connected to the MQTT broker');
    settleAll(awaitingConnection);
    if (subscriptions.length > 0) subscribe();
  });
  client.on('close', () => {
    subscribed = subscriptions.length === 0;
    // mqtt.js would keep these for a resend after reconnecting; the caller hears `transient` now instead
    // (the late resend, if it comes, is one more harmless wake-up).
    settleAll(awaitingAck, new Error('lost the connection to the MQTT broker before its PUBACK'));
  });
  client.on('offline', () => {
    if (!closed) log.warn({ url: brokerUrl }, 'MQTT broker unreachable, reconnecting');
  });
  // mqtt.js re-arms its timer from `options.reconnectPeriod` after each failed attempt, so setting it as an
  // attempt starts sets the delay before the next one.
  client.on('reconnect', () => {
    reconnectAttempts += 1;
    client.options.reconnectPeriod = backoffDelayMs(reconnectAttempts + 1, {
      baseDelayMs: config.reconnectPeriodMs,
      maxDelayMs: config.maxReconnectPeriodMs,
    });
  });
  client.on('error', (error) => {
    // While reconnecting every failed attempt errors; the outage itself was reported by `offline`.
    (client.reconnecting ? log.debug : log.warn).call(
      log,
      { url: brokerUrl, err: error.message },
      'MQTT client error',
    );
  });
  client.on('message', (topic, payload) => {
    const route = topics.parse(topic);
    const body = route && parseJson(payload);
    if (!route || !body) return;
    if (route.kind === 'presence' && typeof body.online === 'boolean') {
      emit(presenceListeners, { deviceId: route.deviceId, online: body.online });
    } else if (route.kind === 'ack' && typeof body.messageId === 'string') {
      emit(ackListeners, { deviceId: route.deviceId, messageId: body.messageId });
    } else {
      log.debug({ topic }, 'ignored an MQTT message without the expected fields');
    }
  });

  function emit<E>(listeners: Set<Listener<E>>, event: E): void {
    for (const listener of listeners) {
      const report = (error: unknown) =>
        log.error({ err: errorMessage(error), event }, 'MQTT listener failed');
      try {
        listener(event)?.catch(report);
      } catch (error) {
        report(error);
      }
    }
  }

  function listen<E>(enabled: boolean, option: string, listeners: Set<Listener<E>>, listener: Listener<E>) {
    if (!enabled) {
      const message = `${option} events need the adapter to be created with ${option}: true`;
      throw new ValidationError(`${CONTEXT}: ${message}`, [{ path: [option], message }]);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  async function publish(target: PushTarget, message: PushMessage): Promise<PushResult> {
    const { deviceId } = target;
    if (closed) return { deviceId, ok: false, reason: 'permanent', error: 'MQTT push adapter is closed' };
    if (!isTopicLevel(deviceId)) {
      return {
        deviceId,
        ok: false,
        reason: 'permanent',
        error: 'deviceId cannot be used as an MQTT topic level',
      };
    }
    const messageId = randomUUID();
    const payload = JSON.stringify({
      messageId,
      type: message.type,
      ...(message.commandId !== undefined && { commandId: message.commandId }),
      priority: message.priority,
      timestamp: new Date().toISOString(),
      ...(message.data !== undefined && { data: message.data }),
    });
    try {
      if (!client.connected) {
        await waitFor(awaitingConnection, config.connectTimeoutMs, 'not connected to the MQTT broker')
          .promise;
      }
      const ack = waitFor(
        awaitingAck,
        config.publishTimeoutMs,
        'the MQTT broker did not acknowledge in time',
      );
      client.publishAsync(topics.commands(deviceId), payload, { qos: config.qos, retain: false }).then(
        () => ack.settle(),
        (error: Error) => ack.settle(error),
      );
      await ack.promise;
      return { deviceId, ok: true, messageId };
    } catch (error) {
      return { deviceId, ok: false, reason: closed ? 'permanent' : 'transient', error: errorMessage(error) };
    }
  }

  return {
    provider: 'mqtt',

    pushConfig(deviceId) {
      return { mqttUrl: brokerUrl, mqttTopic: topics.device(deviceId) };
    },

    async send(target, message) {
      const result = await publish(target, message);
      if (result.ok)
        log.debug({ deviceId: target.deviceId, messageId: result.messageId }, 'MQTT wake-up sent');
      else
        log.warn(
          { deviceId: target.deviceId, reason: result.reason, err: result.error },
          'MQTT wake-up failed',
        );
      return result;
    },

    async sendMany(targets, message) {
      const results = await Promise.all(targets.map((target) => publish(target, message)));
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0) {
        log.warn(
          { targets: targets.length, failed: failed.length, err: failed[0]?.error },
          'MQTT wake-ups failed',
        );
      }
      return results;
    },

    async health() {
      if (closed) return { ok: false, provider: 'mqtt', detail: 'closed' };
      if (!client.connected) return { ok: false, provider: 'mqtt', detail: `not connected to ${brokerUrl}` };
      if (!subscribed) {
        return {
          ok: false,
          provider: 'mqtt',
          detail: subscriptionProblem ?? `subscribing to ${subscriptions.join(', ')}`,
        };
      }
      return { ok: true, provider: 'mqtt', detail: `connected to ${brokerUrl}` };
    },

    onPresence(listener) {
      return listen(config.presence, 'presence', presenceListeners, listener);
    },

    onAck(listener) {
      return listen(config.acks, 'acks', ackListeners, listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      presenceListeners.clear();
      ackListeners.clear();
      settleAll(awaitingConnection, new Error('MQTT push adapter is closed'));
      // A graceful DISCONNECT waits for in-flight PUBACKs, which only a connected broker can send.
      await client.endAsync(!client.connected);
    },
  };
}
