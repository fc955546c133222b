import { appVersionAddSchema, appVersionSchema, idSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const addAppVersionInput = appVersionAddSchema.extend({ appId: idSchema });
export const addAppVersionOutput = appVersionSchema;

export const addAppVersion = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'apps:write', audit: { target: 'app', idKey: 'appId' } }))
    .input(addAppVersionInput)
    .output(addAppVersionOutput)
    .mutation(({ ctx, input: { appId, ...version } }) =>
      ctx.openmdm.mdm.apps.addVersion(appId, version, ctx.openmdm.scope),
    );
