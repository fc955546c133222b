import { z } from 'zod';
import { type CommandType, commandPayloadSchemas, commandTypes } from './command-payloads.js';
import { cursorSchema, idSchema, metadataSchema, pageLimitSchema } from './common.js';

export const commandStatuses = [
  'pending',
  'sent',
  'acknowledged',
  'completed',
  'failed',
  'expired',
  'cancelled',
] as const;
export const commandStatusSchema = z.enum(commandStatuses);
export type CommandStatus = z.infer<typeof commandStatusSchema>;

/**
 * The command state machine: for each target state, the states it may be reached from. Every transition is a
 * single guarded `UPDATE … WHERE status IN (…)`, so racing writers cannot both win.
 */
export const commandTransitionSources = {
  sent: ['pending'],
  acknowledged: ['pending', 'sent'],
  completed: ['pending', 'sent', 'acknowledged'],
  failed: ['pending', 'sent', 'acknowledged'],
  expired: ['pending', 'sent'],
  cancelled: ['pending', 'sent'],
} as const satisfies Record<Exclude<CommandStatus, 'pending'>, readonly CommandStatus[]>;

export const terminalCommandStatuses: readonly CommandStatus[] = [
  'completed',
  'failed',
  'expired',
  'cancelled',
];

export const commandTypeSchema = z.enum(commandTypes as [CommandType, ...CommandType[]]);

export const commandResultSchema = z.object({
  success: z.boolean(),
  message: z.string().nullable(),
  data: z.unknown().optional(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

export const commandSchema = z.object({
  id: idSchema,
  deviceId: idSchema,
  tenantId: z.string().nullable(),
  type: commandTypeSchema,
  payload: z.record(z.string(), z.unknown()),
  status: commandStatusSchema,
  idempotencyKey: z.string().nullable(),
  result: commandResultSchema.nullable(),
  error: z.string().nullable(),
  batchId: z.string().nullable(),
  createdBy: z.string().nullable(),
  metadata: metadataSchema,
  deliveryCount: z.number().int(),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
  acknowledgedAt: z.date().nullable(),
  completedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  updatedAt: z.date(),
});
export type Command = z.infer<typeof commandSchema>;

const commandInputBase = {
  idempotencyKey: z.string().min(1).max(128).optional(),
  /** Seconds until a command that has not been acknowledged expires. Default from config (7 days). */
  ttlSeconds: z
    .number()
    .int()
    .min(1)
    .max(90 * 86_400)
    .optional(),
  batchId: z.string().max(64).optional(),
  createdBy: z.string().max(128).optional(),
  metadata: metadataSchema.optional(),
};

/** `{ type, payload }` validated against the payload schema of that type. */
export const commandInputSchema = z.discriminatedUnion(
  'type',
  commandTypes.map((type) =>
    z.strictObject({
      type: z.literal(type),
      payload: commandPayloadSchemas[type].optional(),
      ...commandInputBase,
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export type CommandInput = {
  [K in CommandType]: {
    type: K;
    payload?: z.input<(typeof commandPayloadSchemas)[K]>;
    idempotencyKey?: string;
    ttlSeconds?: number;
    batchId?: string;
    createdBy?: string;
    metadata?: Record<string, unknown>;
  };
}[CommandType];

export const commandListQuerySchema = z.strictObject({
  deviceId: idSchema.optional(),
  type: z.array(commandTypeSchema).max(50).optional(),
  status: z.array(commandStatusSchema).max(7).optional(),
  batchId: z.string().max(64).optional(),
  createdAfter: z.date().optional(),
  createdBefore: z.date().optional(),
  limit: pageLimitSchema,
  cursor: cursorSchema.optional(),
});
export type CommandListQuery = z.input<typeof commandListQuerySchema>;
