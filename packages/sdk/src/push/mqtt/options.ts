import { z } from 'zod';
import type { Logger } from '../../logger.js';
import { isTopicPrefix } from './topics.js';

const BROKER_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']);

function isBrokerUrl(value: string): boolean {
  return URL.canParse(value) && BROKER_PROTOCOLS.has(new URL(value).protocol);
}

const pems = z.union([z.string(), z.instanceof(Buffer), z.array(z.string()), z.array(z.instanceof(Buffer))]);

export const mqttOptionsSchema = z.strictObject({
  /** The broker this server publishes to, e.g. `mqtts://broker.example.com:8883`. */
  url: z
    .string()
    .refine(isBrokerUrl, 'url must be an mqtt://, mqtts://, tcp://, ssl://, ws:// or wss:// URL'),
  topicPrefix: z
    .string()
    .refine(isTopicPrefix, 'topicPrefix must be topic levels without wildcards (+, #) or empty levels')
    .default('openmdm/devices'),
  username: z.string().optional(),
  password: z.string().optional(),
  /** Defaults to a random `openmdm-push-…` id, so two servers never kick each other off the broker. */
  clientId: z.string().min(1).max(256).optional(),
  tls: z
    .strictObject({
      ca: pems.optional(),
      cert: pems.optional(),
      key: pems.optional(),
      rejectUnauthorized: z.boolean().optional(),
    })
    .optional(),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  /** Bounds the CONNECT handshake, and how long a send waits for a connection before answering `transient`. */
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** How long a send waits for the broker's PUBACK before answering `transient`. */
  publishTimeoutMs: z.number().int().positive().default(10_000),
  /** First reconnect delay; it doubles (with jitter) after each failed attempt up to `maxReconnectPeriodMs`. */
  reconnectPeriodMs: z.number().int().positive().default(1_000),
  maxReconnectPeriodMs: z.number().int().positive().default(30_000),
  /** Subscribe to `{prefix}/+/presence` and deliver it to `onPresence` listeners. */
  presence: z.boolean().default(false),
  /** Subscribe to `{prefix}/+/ack` and deliver it to `onAck` listeners. */
  acks: z.boolean().default(false),
  logger: z
    .custom<Logger>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        ['debug', 'info', 'warn', 'error', 'child'].every(
          (m) => typeof (v as Record<string, unknown>)[m] === 'function',
        ),
      { message: 'logger must implement debug, info, warn, error and child' },
    )
    .optional(),
});

export type MqttPushAdapterOptions = z.input<typeof mqttOptionsSchema>;
export type ResolvedMqttOptions = z.output<typeof mqttOptionsSchema>;
