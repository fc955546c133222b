import { z } from 'zod';
import type { MDMContext } from '../context.js';
import type { MDMEventName } from '../domain/event.js';
import { parseInput } from '../util/validate.js';
import { type EventRetentionConfig, eventRetentionSchema } from './options.js';

const heartbeat: MDMEventName = 'device.heartbeat';

/*
 * Deleting the oldest events of one type, a batch at a time, on a table that may hold billions of rows and
 * without an index of its own (every index on mdm_events costs every heartbeat). Each batch is one statement
 * that reads at most `limit` entries of the (type, id) index, whatever the table holds:
 *
 * - `head` is the window: the type's `limit` oldest rows, in (type, id) order. Ids grow with time, so when
 *   the window reaches rows younger than the cutoff, every later row is younger too; bounding the walk by the
 *   window is what makes it stop there. (A plain `created_at < cutoff … order by id limit n` does not stop at
 *   the first young row: with fewer than n old rows left, it reads every row of the type.) The type is
 *   matched with `>= and <=` rather than `=` on purpose: `order by type, id` then stays an order only
 *   mdm_events_type_idx provides, so the planner cannot walk the primary key instead and filter by type,
 *   which would read every older row of every other type (the audit events kept forever sit there).
 *   When even the oldest row is young, a one-time filter skips the window altogether.
 * - `doomed` keeps the window's rows older than the cutoff and locks them, skipping rows another instance
 *   holds (`FOR UPDATE SKIP LOCKED`): instances running the job at once never wait for each other, and a
 *   second one simply finds nothing left in the same window.
 * - The newest event is never deleted, so `max(id)` stays the log's position: the admin event feed and
 *   `watchBatch` start their cursors there (an emptied table would restart them from 0).
 * - An event with a pending webhook delivery (`mdm_webhook_deliveries.event_id`, status `pending`) is kept
 *   until the delivery is delivered, dead-lettered or cancelled. A delivery carries its own copy of the body,
 *   so the worker would manage without the row; keeping it means the event a receiver is about to hear of
 *   still exists in `mdm.events()`. The check is a probe of the (event_id, endpoint_id) index per old row
 *   (`offset 0` keeps it a per-row probe rather than a join over every delivery). Such events stay in the
 *   window, so if a whole batch of them piles up at the head (an endpoint failing for longer than the
 *   retention), pruning of that type waits for them rather than scanning past them.
 * - Rows are picked and deleted by `id = any(array(…))`: a primary-key probe per row, never a join the
 *   planner could turn into a scan of the table.
 *
 * Readers resume from ids (the event feed, `afterId` queries) and skip deleted ones; nothing else refers to an
 * event row.
 */
const deleteOldestOfType = `
with head as materialized (
  select id, created_at from mdm_events
  where type >= $1 and type <= $1
    and (select h.created_at from mdm_events h
          where h.type >= $1 and h.type <= $1 order by h.type, h.id limit 1)
        < now() - make_interval(days => $2::int)
  order by type, id
  limit $3
),
doomed as (
  select e.id from mdm_events e
  where e.id = any(array(
    select h.id from head h
    where h.created_at < now() - make_interval(days => $2::int)
      and h.id < (select max(id) from mdm_events)
      and not exists (
        select from mdm_webhook_deliveries d where d.event_id = h.id and d.status = 'pending' offset 0)
  ))
  for update skip locked
),
deleted as (
  delete from mdm_events where id = any(array(select id from doomed)) returning 1
)
select count(*)::int as deleted from deleted`;

/*
 * The distinct event types, by a loose scan of mdm_events_type_idx (one index descent per type). It steps
 * over the heartbeat range with one descent instead of landing in it, where the rows just pruned lie.
 */
const storedTypesExceptHeartbeat = `
with recursive types(type) as (
  select ''::text
  union all
  select coalesce(
    (select e.type from mdm_events e where e.type > t.type and e.type < $1 order by e.type limit 1),
    (select e.type from mdm_events e where e.type > greatest(t.type, $1) order by e.type limit 1))
  from types t where t.type is not null
)
select type from types where type <> ''`;

async function pruneType(ctx: MDMContext, type: string, days: number, limit: number): Promise<number> {
  const [row] = await ctx.database.query<{ deleted: number }>(ctx.db, {
    text: deleteOldestOfType,
    values: [type, days, limit],
  });
  return row?.deleted ?? 0;
}

const pruneArgsSchema = z.strictObject({
  retention: eventRetentionSchema,
  limit: z.number().int().min(1).max(100_000),
});

/**
 * Deletes up to `limit` events past their retention, oldest first: `device.heartbeat` events older than
 * `heartbeatDays`, then, with what is left of `limit`, other events older than `otherDays`, type by type
 * (a type with a large backlog goes first until it is cleared). Unset fields take the defaults of
 * `jobs.eventRetention`; `null` keeps those events forever. Resolves to how many it deleted; `limit` means
 * there may be more. Safe to run on several instances at once.
 */
export async function pruneOldEvents(
  ctx: MDMContext,
  retentionConfig: EventRetentionConfig = {},
  limit = 5000,
): Promise<number> {
  const { retention } = parseInput(pruneArgsSchema, { retention: retentionConfig, limit }, 'pruneOldEvents');
  let deleted = 0;
  if (retention.heartbeatDays !== null) {
    deleted += await pruneType(ctx, heartbeat, retention.heartbeatDays, limit);
  }
  if (retention.otherDays !== null && deleted < limit) {
    const types = await ctx.database.query<{ type: string }>(ctx.db, {
      text: storedTypesExceptHeartbeat,
      values: [heartbeat],
    });
    for (const { type } of types) {
      deleted += await pruneType(ctx, type, retention.otherDays, limit - deleted);
      if (deleted >= limit) break;
    }
  }
  return deleted;
}
