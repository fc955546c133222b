import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput, deletedOutput } from '../../schemas/common.js';

export const deleteAppInput = byIdInput;
export const deleteAppOutput = deletedOutput;

export const deleteApp = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'apps:write', audit: { target: 'app' } }))
    .input(deleteAppInput)
    .output(deleteAppOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.openmdm.mdm.apps.delete(input.id, ctx.openmdm.scope);
      return { id: input.id, deleted: true as const };
    });
