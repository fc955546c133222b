import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput, deletedOutput } from '../../schemas/common.js';

export const deleteGroupInput = byIdInput;
export const deleteGroupOutput = deletedOutput;

/** Deletes an empty group without children (CONFLICT otherwise). */
export const deleteGroup = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'groups:write', audit: { target: 'group' } }))
    .input(deleteGroupInput)
    .output(deleteGroupOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.openmdm.mdm.groups.delete(input.id, ctx.openmdm.scope);
      return { id: input.id, deleted: true as const };
    });
