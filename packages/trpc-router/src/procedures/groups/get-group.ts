import { groupSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const getGroupInput = byIdInput;
export const getGroupOutput = groupSchema;

/** A group; its members are `devices.list({ groupId })`. */
export const getGroup = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'groups:read' }))
    .input(getGroupInput)
    .output(getGroupOutput)
    .query(({ ctx, input }) => ctx.openmdm.mdm.groups.get(input.id, ctx.openmdm.scope));
