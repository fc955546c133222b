import { appSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const getAppInput = byIdInput;
export const getAppOutput = appSchema;

export const getApp = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'apps:read' }))
    .input(getAppInput)
    .output(getAppOutput)
    .query(({ ctx, input }) => ctx.openmdm.mdm.apps.get(input.id, ctx.openmdm.scope));
