import { appRegisterSchema, appSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const registerAppInput = appRegisterSchema.omit({ tenantId: true });
export const registerAppOutput = appSchema;

export const registerApp = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'apps:write', audit: { target: 'app' } }))
    .input(registerAppInput)
    .output(registerAppOutput)
    .mutation(({ ctx, input }) =>
      ctx.openmdm.mdm.apps.register({ ...input, tenantId: ctx.openmdm.tenantId }),
    );
