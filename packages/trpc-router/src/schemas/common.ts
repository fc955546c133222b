import { idSchema } from '@openmdm/sdk';
import { z } from 'zod';

export const byIdInput = z.strictObject({ id: idSchema });

/** A stored event as clients receive it. */
export const eventOutput = z.object({
  id: z.string(),
  type: z.string(),
  tenantId: z.string().nullable(),
  deviceId: z.string().nullable(),
  commandId: z.string().nullable(),
  payload: z.unknown(),
  createdAt: z.date(),
});
export type EventOutput = z.infer<typeof eventOutput>;

export const deletedOutput = z.object({ id: z.string(), deleted: z.literal(true) });
