import { groupCreateSchema, groupSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { requireVisiblePolicy } from './visible-policy.js';

/** The tenant is the actor's, never taken from the input. */
export const createGroupInput = groupCreateSchema.omit({ tenantId: true });
export const createGroupOutput = groupSchema;

export const createGroup = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'groups:write', audit: { target: 'group' } }))
    .input(createGroupInput)
    .output(createGroupOutput)
    .mutation(async ({ ctx, input }) => {
      await requireVisiblePolicy(ctx.openmdm, input.policyId);
      return ctx.openmdm.mdm.groups.create({ ...input, tenantId: ctx.openmdm.tenantId });
    });
