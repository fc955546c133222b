import { z } from 'zod';
import { parseInput } from '../util/validate.js';

export const builtinJobNames = [
  'commands.expire',
  'commands.ackWatchdog',
  'push.retry',
  'webhooks.deliver',
  'enrollment.prune',
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
}

const defaultIntervalsMs: Record<BuiltinJobName, number> = {
  'commands.expire': 30_000,
  'commands.ackWatchdog': 60_000,
  'push.retry': 5_000,
  'webhooks.deliver': 1_000,
  'enrollment.prune': 3_600_000,
};

const intervalSchema = z.number().int().min(10).max(86_400_000);

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
});

export interface JobsSettings {
  enabled: boolean;
  ackTimeoutSeconds: number;
  intervalsMs: Record<BuiltinJobName, number>;
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
  };
}
