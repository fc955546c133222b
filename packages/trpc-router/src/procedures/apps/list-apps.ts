import { appSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const listAppsOutput = z.array(appSchema);

export const listApps = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'apps:read' }))
    .output(listAppsOutput)
    .query(({ ctx }) => ctx.openmdm.mdm.apps.list(ctx.openmdm.scope));
