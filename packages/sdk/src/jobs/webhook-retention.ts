import { z } from 'zod';
import type { MDMContext } from '../context.js';
import { parseInput } from '../util/validate.js';
import type { WebhookDeliveryStatus } from '../webhooks/types.js';
import {
  type WebhookRetentionConfig,
  type WebhookRetentionSettings,
  webhookRetentionSchema,
} from './options.js';

/** Finished deliveries kept `deliveredDays`. */
const delivered: WebhookDeliveryStatus = 'delivered';
/** Finished deliveries that never reached the receiver, kept `deadDays` (an operator may replay them). */
const undelivered: readonly WebhookDeliveryStatus[] = ['dead', 'cancelled'];
// `pending` is the only other status: a delivery waiting, retrying or in flight. It is never deleted.

/*
 * Deleting finished webhook deliveries past their retention, a window at a time, with no index of its own.
 *
 * A delivery's age is counted from when it finished: `updated_at`, which the worker sets when it marks the row
 * delivered or dead and the SDK sets when it cancels one, and which nothing changes on a finished row except a
 * replay (which makes it `pending` again). No index orders the table by that, and adding one would make every
 * claim of the delivery worker (which sets `updated_at`) a non-HOT update. What exists is creation order: the
 * unique (event_id, endpoint_id) index, whose order is the order the rows were written in (a delivery is
 * written in the transaction that stores its event). A row finishes after it was written, so one written
 * after the cutoff cannot be due: the walk goes in creation order and turns back where rows get that young.
 * Replay reads the row (`mdm.webhooks.replay` of a deleted delivery is a NotFoundError), hence the longer
 * default for deliveries that never arrived.
 *
 * In creation order, the rows due are not all at the head: a receiver that was down leaves `pending` rows
 * (a device's deliveries go one at a time, each through every retry, so a backlog can stay pending for weeks),
 * dead-lettered rows kept 30 days sit among delivered ones kept 7, a row replayed or delivered late finished
 * long after it was written. Waiting behind such rows (as `events.prune` waits when kept rows fill its
 * window) could hold up the pruning of everything written after them for weeks. So the walk is a sweep with
 * a position, kept in memory:
 *
 * - A window is the next `limit` entries of the (event_id, endpoint_id) index after the position: an index
 *   range scan that reads that many entries and their rows, however large the table.
 * - `doomed` keeps the window's rows that are finished and past their retention, at most what is left of the
 *   run's `limit` (the first ones in index order), locks them and skips rows another instance holds
 *   (`FOR UPDATE SKIP LOCKED`), so instances running the job at once never wait for each other. The
 *   conditions are checked again on the locked row (Postgres re-evaluates them on the newest version): a row
 *   replayed since the window was read is `pending` again and is left alone.
 * - Rows are picked and deleted by `id = any(array(…))`: a primary-key probe per row, never a join the
 *   planner could turn into a scan of the table.
 * - The position moves to the window's last entry (to the last row deleted, when the run's `limit` was
 *   reached within the window). When a window reaches rows written after the earliest cutoff, or the end of
 *   the table, the sweep starts again from the beginning, where the rows kept last time (and the ones that
 *   have aged since) are looked at again.
 *
 * A run reads windows until it has deleted `limit` rows, the sweep wrapped, or it read 10 windows; the next
 * run resumes from the position. A new instance (or one restarted) starts from the beginning. Rows kept at
 * the head (pending backlogs, dead-lettered rows in their 30 days) are read again on every pass, 10 windows
 * a run. Right after a large delete, the index scan also steps over the entries of deleted rows until
 * vacuum removes them.
 */

/*
 * `$1`, `$2`: the position; `$3`: window size; `$4`/`$5`: deliveredDays/deadDays (null: never due);
 * `$6`: 'delivered'; `$7`: the undelivered statuses; `$8`: how many more the run may delete.
 */
const due = (row: string) => `
    ((${row}.status = $6 and ${row}.updated_at < now() - make_interval(days => $4::int))
      or (${row}.status = any($7::text[]) and ${row}.updated_at < now() - make_interval(days => $5::int)))`;

const pruneWindow = `
with win as materialized (
  select id, event_id, endpoint_id, status, created_at, updated_at
  from mdm_webhook_deliveries
  where (event_id, endpoint_id) > ($1::bigint, $2::text)
  order by event_id, endpoint_id
  limit $3
),
doomed as (
  select d.id, d.event_id, d.endpoint_id from mdm_webhook_deliveries d
  where d.id = any(array(select w.id from win w where ${due('w')}))
    and ${due('d')}
  order by d.event_id, d.endpoint_id
  limit $8
  for update skip locked
),
deleted as (
  delete from mdm_webhook_deliveries where id = any(array(select id from doomed)) returning 1
),
last_read as (
  select event_id, endpoint_id from win order by event_id desc, endpoint_id desc limit 1
),
last_deleted as (
  select event_id, endpoint_id from doomed order by event_id desc, endpoint_id desc limit 1
)
select
  (select count(*) from deleted)::int as deleted,
  (select count(*) from win)::int as read,
  (select event_id from last_read)::text as "lastReadEventId",
  (select endpoint_id from last_read) as "lastReadEndpointId",
  (select event_id from last_deleted)::text as "lastDeletedEventId",
  (select endpoint_id from last_deleted) as "lastDeletedEndpointId",
  exists (
    select from win where created_at >= now() - make_interval(days => least($4::int, $5::int))
  ) as "reachedRecent"`;

interface WindowResult {
  deleted: number;
  read: number;
  lastReadEventId: string | null;
  lastReadEndpointId: string | null;
  lastDeletedEventId: string | null;
  lastDeletedEndpointId: string | null;
  reachedRecent: boolean;
}

interface Position {
  eventId: string;
  endpointId: string;
}

/** Before every (event_id, endpoint_id): event ids start at 1 and endpoint ids are never empty. */
const start: Position = { eventId: '0', endpointId: '' };

const position = (eventId: string | null, endpointId: string | null): Position | null =>
  eventId === null || endpointId === null ? null : { eventId, endpointId };

const pruneArgsSchema = z.strictObject({
  retention: webhookRetentionSchema,
  limit: z.number().int().min(1).max(100_000),
});

/** Windows a run reads at most: the work of a run is bounded even when nothing in them can be deleted. */
const windowsPerRun = 10;

/**
 * The sweep behind `webhooks.prune`: each `run()` deletes up to `limit` finished deliveries past their
 * retention and resolves to how many; the next run resumes where this one stopped (see above).
 */
export class WebhookDeliveryPruner {
  private readonly retention: WebhookRetentionSettings;
  private readonly limit: number;
  private position: Position = start;

  constructor(
    private readonly ctx: MDMContext,
    retention: WebhookRetentionConfig = {},
    limit = 5000,
    context = 'WebhookDeliveryPruner',
  ) {
    const args = parseInput(pruneArgsSchema, { retention, limit }, context);
    this.retention = args.retention;
    this.limit = args.limit;
  }

  async run(): Promise<number> {
    const { deliveredDays, deadDays } = this.retention;
    if (deliveredDays === null && deadDays === null) return 0;
    let deleted = 0;
    for (let windows = 0; windows < windowsPerRun && deleted < this.limit; windows++) {
      const left = this.limit - deleted;
      const [row] = await this.ctx.database.query<WindowResult>(this.ctx.db, {
        text: pruneWindow,
        values: [
          this.position.eventId,
          this.position.endpointId,
          this.limit,
          deliveredDays,
          deadDays,
          delivered,
          undelivered,
          left,
        ],
      });
      if (!row) break;
      deleted += row.deleted;
      const lastDeleted = position(row.lastDeletedEventId, row.lastDeletedEndpointId);
      const lastRead = position(row.lastReadEventId, row.lastReadEndpointId);
      if (row.deleted >= left && lastDeleted) {
        // The run is full: the window's rows after the last one deleted are for the next run.
        this.position = lastDeleted;
      } else if (row.reachedRecent || row.read < this.limit || !lastRead) {
        this.position = start;
        break;
      } else {
        this.position = lastRead;
      }
    }
    return deleted;
  }
}

/**
 * Deletes up to `limit` finished webhook deliveries past their retention, oldest first: `delivered` ones
 * `deliveredDays` after delivery, `dead` and `cancelled` ones `deadDays` after they ended; `pending` ones
 * never. Unset fields take the defaults of `jobs.webhookRetention`; `null` keeps those deliveries forever.
 * Reads at most `10 × limit` deliveries, from the oldest; the `webhooks.prune` job instead resumes each run
 * where the last one stopped. Resolves to how many it deleted; `limit` means there may be more. Safe to run
 * on several instances at once.
 */
export async function pruneWebhookDeliveries(
  ctx: MDMContext,
  retentionConfig: WebhookRetentionConfig = {},
  limit = 5000,
): Promise<number> {
  return new WebhookDeliveryPruner(ctx, retentionConfig, limit, 'pruneWebhookDeliveries').run();
}
