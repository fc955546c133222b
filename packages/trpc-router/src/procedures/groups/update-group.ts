import { groupSchema, groupUpdateSchema, idSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { requireVisiblePolicy } from './visible-policy.js';

export const updateGroupInput = groupUpdateSchema.extend({ id: idSchema });
export const updateGroupOutput = groupSchema;

export const updateGroup = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'groups:write', audit: { target: 'group' } }))
    .input(updateGroupInput)
    .output(updateGroupOutput)
    .mutation(async ({ ctx, input: { id, ...patch } }) => {
      await requireVisiblePolicy(ctx.openmdm, patch.policyId);
      return ctx.openmdm.mdm.groups.update(id, patch, ctx.openmdm.scope);
    });
