import { idSchema, ValidationError } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { eventOutput } from '../../schemas/common.js';
import { decodeIdCursor, encodeIdCursor, pageInput, pageOf } from '../../schemas/paging.js';
import { visibleCommand } from './visible-command.js';

/** The event types of a command's life. */
export const commandEventTypes = [
  'command.created',
  'command.sent',
  'command.acknowledged',
  'command.completed',
  'command.failed',
  'command.expired',
  'command.cancelled',
] as const;

/** What happened to one device's commands, one command, or the fleet's, newest first. */
export const getCommandTimelineInput = z.strictObject({
  deviceId: idSchema.optional(),
  commandId: idSchema.optional(),
  /** `commands` (default): command events only; `all`: every event of the device or fleet. */
  include: z.enum(['commands', 'all']).default('commands'),
  ...pageInput,
});
export const getCommandTimelineOutput = pageOf(eventOutput);

export const getCommandTimeline = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'commands:read' }))
    .input(getCommandTimelineInput.optional())
    .output(getCommandTimelineOutput)
    .query(async ({ ctx, input = { include: 'commands', limit: 50 } }) => {
      const { mdm, scope, tenantId } = ctx.openmdm;
      if (input.deviceId) await mdm.devices.get(input.deviceId, scope);
      if (input.commandId) await visibleCommand(ctx.openmdm, input.commandId);
      const beforeId = input.cursor ? decodeIdCursor(input.cursor) : undefined;
      if (beforeId === null) {
        throw new ValidationError('invalid cursor', [{ path: ['cursor'], message: 'invalid cursor' }]);
      }
      const events = await mdm.events({
        deviceId: input.deviceId,
        commandId: input.commandId,
        types: input.include === 'commands' ? [...commandEventTypes] : undefined,
        tenantId,
        beforeId,
        order: 'desc',
        limit: input.limit + 1,
      });
      const items = events.slice(0, input.limit);
      const last = items[items.length - 1];
      return { items, nextCursor: events.length > input.limit && last ? encodeIdCursor(last.id) : null };
    });
