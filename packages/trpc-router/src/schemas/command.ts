import {
  type CommandType,
  commandInputSchema,
  type commandPayloadSchemas,
  destructiveCommandTypes,
} from '@openmdm/sdk';
import { z } from 'zod';

/** A command as an admin sends it: the SDK's input without `batchId` and `createdBy`, which the router sets. */
export type AdminCommandInput = {
  [K in CommandType]: {
    type: K;
    payload?: z.input<(typeof commandPayloadSchemas)[K]>;
    idempotencyKey?: string;
    ttlSeconds?: number;
    metadata?: Record<string, unknown>;
  };
}[CommandType];

/** Each command type with its strict payload schema (the SDK's), discriminated by `type`. */
export const adminCommandSchema = z.discriminatedUnion(
  'type',
  commandInputSchema.options.map((option) => option.omit({ batchId: true, createdBy: true } as never)) as [
    z.ZodObject,
    ...z.ZodObject[],
  ],
) as unknown as z.ZodType<AdminCommandInput, AdminCommandInput>;

export function isDestructive(type: CommandType): boolean {
  return destructiveCommandTypes.includes(type);
}
