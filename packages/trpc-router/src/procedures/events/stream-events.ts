import { eventFeedOf, idSchema } from '@openmdm/sdk';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { rethrowMapped } from '../../errors.js';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { eventOutput } from '../../schemas/common.js';
import { visibleCommand } from '../commands/visible-command.js';

export const streamEventsInput = z
  .strictObject({
    deviceId: idSchema.optional(),
    commandId: idSchema.optional(),
    /** Event names, e.g. `['command.completed', 'device.enrolled']`; all when omitted. */
    types: z.array(z.string().min(1).max(64)).max(50).optional(),
    /** Resume point, set by `httpSubscriptionLink` on reconnect: every stored event after it comes first. */
    lastEventId: z
      .string()
      .regex(/^\d{1,19}$/, 'must be an event id')
      .nullish(),
  })
  .optional();

/** The type of the marker every stream opened without `lastEventId` starts with; its id is the resume point. */
export const streamStartedType = 'stream.started';

const startedMarker = { type: streamStartedType, deviceId: null, commandId: null, payload: null };

/**
 * Live events of the actor's tenant as `tracked(eventId, event)`, resumable without gaps or duplicates. A stream
 * opened without `lastEventId` first yields one `stream.started` marker carrying the current position.
 */
export const streamEvents = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'events:read' }))
    .input(streamEventsInput)
    .subscription(async function* ({ ctx, input = {}, signal }) {
      try {
        const { mdm, scope, tenantId, settings } = ctx.openmdm;
        if (input.deviceId) await mdm.devices.get(input.deviceId, scope);
        if (input.commandId) await visibleCommand(ctx.openmdm, input.commandId);
        const feed = eventFeedOf(mdm, settings.events);
        const filter = { tenantId, deviceId: input.deviceId, commandId: input.commandId, types: input.types };
        let afterId = input.lastEventId ?? null;
        if (!afterId) {
          // A resume point before the first event, so a client that reconnects before any event misses none.
          afterId = await feed.position();
          yield tracked(afterId, { ...startedMarker, id: afterId, tenantId, createdAt: new Date() });
        }
        for await (const event of feed.subscribe(filter, { afterId, signal })) {
          yield tracked(event.id, eventOutput.parse(event));
        }
      } catch (error) {
        rethrowMapped(error);
      }
    });
