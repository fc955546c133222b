import { z } from 'zod';
import { idSchema, metadataSchema } from './common.js';

export const groupSchema = z.object({
  id: idSchema,
  tenantId: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  parentId: z.string().nullable(),
  policyId: z.string().nullable(),
  /** Lower wins when a device's groups supply different policies. */
  priority: z.number().int(),
  metadata: metadataSchema,
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Group = z.infer<typeof groupSchema>;

export const groupCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  parentId: idSchema.nullable().optional(),
  policyId: idSchema.nullable().optional(),
  priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  metadata: metadataSchema.optional(),
  tenantId: z.string().max(64).nullable().optional(),
});
export type GroupCreateInput = z.input<typeof groupCreateSchema>;

export const groupUpdateSchema = groupCreateSchema.omit({ tenantId: true }).partial();
export type GroupUpdateInput = z.input<typeof groupUpdateSchema>;
