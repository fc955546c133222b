import { z } from 'zod';
import { idSchema } from './common.js';
import { policySettingsSchema } from './policy-settings.js';

export const policySchema = z.object({
  id: idSchema,
  tenantId: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  isDefault: z.boolean(),
  version: z.number().int().min(1),
  settings: policySettingsSchema,
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Policy = z.infer<typeof policySchema>;

export const policyVersionSchema = z.object({
  policyId: idSchema,
  version: z.number().int().min(1),
  settings: policySettingsSchema,
  createdAt: z.date(),
  createdBy: z.string().nullable(),
  note: z.string().nullable(),
});
export type PolicyVersion = z.infer<typeof policyVersionSchema>;

export const policyCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  settings: policySettingsSchema.default({}),
  isDefault: z.boolean().optional(),
  tenantId: z.string().max(64).nullable().optional(),
  createdBy: z.string().max(128).optional(),
});
export type PolicyCreateInput = z.input<typeof policyCreateSchema>;

export const policyUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(2000).nullable().optional(),
  settings: policySettingsSchema.optional(),
  note: z.string().max(500).optional(),
  updatedBy: z.string().max(128).optional(),
});
export type PolicyUpdateInput = z.input<typeof policyUpdateSchema>;

/** Where a device's effective policy came from. */
export const policySourceSchema = z.enum(['device', 'group', 'default', 'none']);
export type PolicySource = z.infer<typeof policySourceSchema>;

export interface EffectivePolicy {
  policy: Policy | null;
  source: PolicySource;
  /** The group that supplied the policy when `source` is `group`. */
  groupId: string | null;
}
