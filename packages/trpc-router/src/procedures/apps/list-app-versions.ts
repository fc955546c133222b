import { appVersionSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const listAppVersionsInput = byIdInput;
/** Newest version code first. */
export const listAppVersionsOutput = z.array(appVersionSchema);

export const listAppVersions = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'apps:read' }))
    .input(listAppVersionsInput)
    .output(listAppVersionsOutput)
    .query(({ ctx, input }) => ctx.openmdm.mdm.apps.versions(input.id, ctx.openmdm.scope));
