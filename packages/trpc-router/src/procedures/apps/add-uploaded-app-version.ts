import { appVersionSchema, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const addUploadedAppVersionInput = z.strictObject({
  appId: idSchema,
  /** The key returned by `apps.createUploadUrl`, after the file was PUT there. */
  key: z.string().min(1).max(256),
  version: z.string().min(1).max(64),
  versionCode: z.number().int().min(1),
  minSdkVersion: z.number().int().min(1).max(100).optional(),
  releaseNotes: z.string().max(5000).optional(),
});
export const addUploadedAppVersionOutput = appVersionSchema;

/** Registers an uploaded APK as a version of an app; the sha256 is computed from the stored bytes. */
export const addUploadedAppVersion = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'apps:write', audit: { target: 'app', idKey: 'appId' } }))
    .input(addUploadedAppVersionInput)
    .output(addUploadedAppVersionOutput)
    .mutation(async ({ ctx, input: { appId, ...version } }) => {
      const { mdm, scope } = ctx.openmdm;
      await mdm.apps.get(appId, scope);
      const { key: _key, ...stored } = await mdm.storage.uploadAppVersion(appId, version);
      return stored;
    });
