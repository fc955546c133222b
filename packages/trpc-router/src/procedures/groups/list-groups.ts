import { groupSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const listGroupsOutput = z.array(groupSchema);

export const listGroups = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'groups:read' }))
    .output(listGroupsOutput)
    .query(({ ctx }) => ctx.openmdm.mdm.groups.list(ctx.openmdm.scope));
