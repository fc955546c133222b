import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { WebhookEndpointConfig } from '../config.js';
import { ValidationError } from '../errors.js';
import { parseInput } from '../util/validate.js';
import { eventFiltersSchema } from './event-filter.js';
import { webhookSecretProblem } from './secrets.js';

export interface WebhooksConfig {
  /** Endpoints defined in code; more can be stored in the database through `mdm.webhooks.create`. */
  endpoints?: WebhookEndpointConfig[];
  /** Allow destinations in private, loopback and link-local ranges (tests, on-premises receivers). */
  allowPrivateNetworks?: boolean;
  /** Time one delivery attempt may take, connection included (default 10 000 ms). */
  timeoutMs?: number;
  /** Attempts before a delivery is dead-lettered (default 8). */
  maxAttempts?: number;
  /** First retry delay; each further retry doubles it, with jitter (default 10 000 ms). */
  retryBaseDelayMs?: number;
  /** Longest retry delay (default 1 hour). */
  retryMaxDelayMs?: number;
  /** Deliveries in flight per instance (default 16). */
  concurrency?: number;
  /** Deliveries in flight per endpoint per instance, so one slow receiver cannot take every slot (default 4). */
  perEndpointConcurrency?: number;
  /** How long the list of stored endpoints is cached between reloads (default 5 000 ms). */
  endpointCacheTtlMs?: number;
}

export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .refine((value) => {
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, 'must not carry credentials (user:password@); authenticate with the signature instead');

export const webhookSecretSchema = z.string().superRefine((secret, ctx) => {
  const problem = webhookSecretProblem(secret);
  if (problem) ctx.addIssue({ code: 'custom', message: `secret ${problem}` });
});

export const webhookSecretsSchema = z.array(webhookSecretSchema).min(1).max(5);

const endpointConfigSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .optional(),
  url: webhookUrlSchema,
  secret: z.union([webhookSecretSchema, webhookSecretsSchema]),
  events: eventFiltersSchema.optional(),
});

const webhooksConfigSchema = z.strictObject({
  endpoints: z.array(endpointConfigSchema).max(100).default([]),
  allowPrivateNetworks: z.boolean().default(false),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  maxAttempts: z.number().int().min(1).max(50).default(8),
  retryBaseDelayMs: z.number().int().min(10).max(86_400_000).default(10_000),
  retryMaxDelayMs: z
    .number()
    .int()
    .min(10)
    .max(7 * 86_400_000)
    .default(3_600_000),
  concurrency: z.number().int().min(1).max(512).default(16),
  perEndpointConcurrency: z.number().int().min(1).max(512).default(4),
  endpointCacheTtlMs: z.number().int().min(0).max(3_600_000).default(5_000),
});

/** An endpoint as the outbox and the delivery worker use it, from config or from the database. */
export interface ResolvedEndpoint {
  id: string;
  /** `config`: defined in code (read-only); `database`: created through `mdm.webhooks.create`. */
  source: 'config' | 'database';
  /** Only events of this tenant reach the endpoint; null: every event. */
  tenantId: string | null;
  url: string;
  description: string | null;
  events: string[];
  secrets: string[];
  enabled: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface WebhookSettings extends Omit<z.output<typeof webhooksConfigSchema>, 'endpoints'> {
  endpoints: ResolvedEndpoint[];
}

/** Ids of code-defined endpoints: stable across restarts and instances, so their outbox rows stay theirs. */
function configEndpointId(url: string, events: readonly string[]): string {
  const digest = createHash('sha256')
    .update(`${url}\n${[...events].sort().join(',')}`)
    .digest('hex');
  return `whe_cfg_${digest.slice(0, 24)}`;
}

/** Validates `config.webhooks`; a bad URL, secret or filter fails `createMDM` with its path. */
export function parseWebhooksConfig(config: WebhooksConfig | undefined): WebhookSettings {
  const parsed = parseInput(webhooksConfigSchema, config ?? {}, 'createMDM config.webhooks');
  const endpoints = parsed.endpoints.map((endpoint): ResolvedEndpoint => {
    const events = endpoint.events ?? ['*'];
    return {
      id: endpoint.id ?? configEndpointId(endpoint.url, events),
      source: 'config',
      tenantId: null,
      url: endpoint.url,
      description: null,
      events,
      secrets: typeof endpoint.secret === 'string' ? [endpoint.secret] : endpoint.secret,
      enabled: true,
      createdAt: null,
      updatedAt: null,
    };
  });
  const seen = new Set<string>();
  endpoints.forEach((endpoint, index) => {
    if (seen.has(endpoint.id)) {
      throw new ValidationError(`createMDM config.webhooks: endpoint ${endpoint.id} is defined twice`, [
        {
          path: ['webhooks', 'endpoints', index],
          message: 'duplicate endpoint (same id, or same URL and events)',
        },
      ]);
    }
    seen.add(endpoint.id);
  });
  return { ...parsed, endpoints };
}
