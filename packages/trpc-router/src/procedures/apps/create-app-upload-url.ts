import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const createAppUploadUrlInput = z
  .strictObject({
    fileName: z.string().min(1).max(200).optional(),
    contentType: z.string().min(1).max(128).optional(),
  })
  .optional();
export const createAppUploadUrlOutput = z.object({
  key: z.string(),
  url: z.string(),
  method: z.literal('PUT'),
  contentType: z.string(),
  expiresAt: z.date(),
});

/** A signed URL the admin UI PUTs an APK to; then `apps.addUploadedVersion` registers it. */
export const createAppUploadUrl = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'apps:write' }))
    .input(createAppUploadUrlInput)
    .output(createAppUploadUrlOutput)
    .mutation(({ ctx, input }) => ctx.openmdm.mdm.storage.createUploadUrl(input ?? {}));
