import { commandSchema } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';
import { visibleCommand } from './visible-command.js';

export const getCommandInput = byIdInput;
export const getCommandOutput = commandSchema;

export const getCommand = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'commands:read' }))
    .input(getCommandInput)
    .output(getCommandOutput)
    .query(({ ctx, input }) => visibleCommand(ctx.openmdm, input.id));
