import { type CommandInput, commandSchema, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { adminCommandSchema, isDestructive } from '../../schemas/command.js';

export const sendCommandInput = z.strictObject({ deviceId: idSchema, command: adminCommandSchema });
export const sendCommandOutput = commandSchema;

/** Queues a command; a wipe or factory reset also needs `commands:wipe`. */
export const sendCommand = (p: MDMProcedureBuilder) =>
  p
    .meta(
      mdmMeta({
        permission: 'commands:send',
        destructivePermission: 'commands:wipe',
        audit: { target: 'device', idKey: 'deviceId' },
      }),
    )
    .input(sendCommandInput)
    .output(sendCommandOutput)
    .mutation(async ({ ctx, input }) => {
      const { mdm, scope, actor } = ctx.openmdm;
      if (isDestructive(input.command.type)) await ctx.openmdm.require('commands:wipe');
      await mdm.devices.get(input.deviceId, scope);
      return mdm.commands.send(input.deviceId, { ...input.command, createdBy: actor.id } as CommandInput);
    });
