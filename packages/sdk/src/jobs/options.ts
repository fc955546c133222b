import { z } from 'zod';
import { parseInput } from '../util/validate.js';

export const builtinJobNames = [
  'commands.expire',
  'commands.ackWatchdog',
  'push.retry',
  'webhooks.deliver',
  'enrollment.prune',
  'events.prune',
  'webhooks.prune',
] as const;
export type BuiltinJobName = (typeof builtinJobNames)[number];

export interface JobsConfig {
  /** Run the background jobs in this instance (default true); false when they run in another process. */
  enabled?: boolean;
  /**
   * A command acknowledged this many seconds ago without a result is failed by the watchdog with
   * `error: "no result within …"` (default 3600).
   */
  ackTimeoutSeconds?: number;
  /** How often each job runs, in milliseconds. */
  intervalsMs?: Partial<Record<BuiltinJobName, number>>;
  /** How long `mdm_events` rows are kept before the `events.prune` job deletes them. */
  eventRetention?: EventRetentionConfig;
  /** How long finished `mdm_webhook_deliveries` rows are kept before the `webhooks.prune` job deletes them. */
  webhookRetention?: WebhookRetentionConfig;
}

/** Retention of the event log, in whole days (1 to 3650); `null` keeps those events forever. */
export interface EventRetentionConfig {
  /**
   * `device.heartbeat` events older than this many days are deleted (default 7). They are one row per
   * heartbeat per device: telemetry history, and most of the table.
   */
  heartbeatDays?: number | null;
  /**
   * Every other event older than this many days is deleted (default `null`: kept forever). Command, policy
   * and enrolment events are the audit trail; set this only if something else keeps that history.
   */
  otherDays?: number | null;
}

/**
 * Retention of finished webhook deliveries, in whole days (1 to 3650) counted from when the delivery finished
 * (its last status change); `null` keeps them forever. `pending` deliveries are never deleted, however old.
 * A deleted delivery can no longer be listed or replayed (`mdm.webhooks.replay` needs its row).
 */
export interface WebhookRetentionConfig {
  /** `delivered` deliveries are deleted this many days after they were delivered (default 7). */
  deliveredDays?: number | null;
  /**
   * `dead` (dead-lettered: every attempt failed) and `cancelled` (endpoint deleted or disabled) deliveries are
   * deleted this many days after they ended (default 30). Until then an operator can still replay them.
   */
  deadDays?: number | null;
}

const defaultIntervalsMs: Record<BuiltinJobName, number> = {
  'commands.expire': 30_000,
  'commands.ackWatchdog': 60_000,
  'push.retry': 5_000,
  'webhooks.deliver': 1_000,
  'enrollment.prune': 3_600_000,
  'events.prune': 60_000,
  'webhooks.prune': 60_000,
};

const intervalSchema = z.number().int().min(10).max(86_400_000);

const retentionDaysSchema = (kept: string) =>
  z
    .number()
    .int('must be a whole number of days')
    .min(1, `must be at least 1 day (null keeps the ${kept} forever)`)
    .max(3650, `must be at most 3650 days (null keeps the ${kept} forever)`)
    .nullable();

export const eventRetentionSchema = z.strictObject({
  heartbeatDays: retentionDaysSchema('events').default(7),
  otherDays: retentionDaysSchema('events').default(null),
});

/** Event retention after defaults: whole days, or null for "keep forever". */
export type EventRetentionSettings = z.output<typeof eventRetentionSchema>;

export const webhookRetentionSchema = z.strictObject({
  deliveredDays: retentionDaysSchema('deliveries').default(7),
  deadDays: retentionDaysSchema('deliveries').default(30),
});

/** Webhook delivery retention after defaults: whole days, or null for "keep forever". */
export type WebhookRetentionSettings = z.output<typeof webhookRetentionSchema>;

const jobsConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  ackTimeoutSeconds: z
    .number()
    .int()
    .min(10)
    .max(30 * 86_400)
    .default(3600),
  intervalsMs: z
    .strictObject(Object.fromEntries(builtinJobNames.map((name) => [name, intervalSchema.optional()])))
    .default({}),
  // `prefault`: an absent object is parsed like `{}`, so the field defaults above are the only ones.
  eventRetention: eventRetentionSchema.prefault({}),
  webhookRetention: webhookRetentionSchema.prefault({}),
});

export interface JobsSettings {
  enabled: boolean;
  ackTimeoutSeconds: number;
  intervalsMs: Record<BuiltinJobName, number>;
  eventRetention: EventRetentionSettings;
  webhookRetention: WebhookRetentionSettings;
}

export function parseJobsConfig(config: JobsConfig | undefined): JobsSettings {
  const parsed = parseInput(jobsConfigSchema, config ?? {}, 'createMDM config.jobs');
  return {
    enabled: parsed.enabled,
    ackTimeoutSeconds: parsed.ackTimeoutSeconds,
    intervalsMs: {
      ...defaultIntervalsMs,
      ...(parsed.intervalsMs as Partial<Record<BuiltinJobName, number>>),
    },
    eventRetention: { ...parsed.eventRetention },
    webhookRetention: { ...parsed.webhookRetention },
  };
}
