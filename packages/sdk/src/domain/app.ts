import { z } from 'zod';
import { androidPackageNameSchema, idSchema, metadataSchema, sha256HexSchema } from './common.js';

const packageName = androidPackageNameSchema;

export const appVersionSchema = z.object({
  appId: idSchema,
  version: z.string(),
  versionCode: z.number().int(),
  url: z.string(),
  sha256: z.string().nullable(),
  sizeBytes: z.number().int().nullable(),
  minSdkVersion: z.number().int().nullable(),
  releaseNotes: z.string().nullable(),
  createdAt: z.date(),
});
export type AppVersion = z.infer<typeof appVersionSchema>;

export const appSchema = z.object({
  id: idSchema,
  tenantId: z.string().nullable(),
  packageName: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  metadata: metadataSchema,
  latestVersion: appVersionSchema.nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type App = z.infer<typeof appSchema>;

export const appRegisterSchema = z.strictObject({
  packageName,
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  metadata: metadataSchema.optional(),
  tenantId: z.string().max(64).nullable().optional(),
});
export type AppRegisterInput = z.input<typeof appRegisterSchema>;

export const appVersionAddSchema = z.strictObject({
  version: z.string().min(1).max(64),
  versionCode: z.number().int().min(1),
  url: z.url({ protocol: /^https?$/ }).max(2048),
  sha256: sha256HexSchema.transform((s) => s.toLowerCase()).optional(),
  sizeBytes: z.number().int().min(0).optional(),
  minSdkVersion: z.number().int().min(1).max(100).optional(),
  releaseNotes: z.string().max(5000).optional(),
});
export type AppVersionAddInput = z.input<typeof appVersionAddSchema>;
