import type { EventsCommittedHook } from '../context.js';
import type { DatabaseAdapter } from '../db/adapter.js';
import type { Logger } from '../logger.js';

/** The Postgres NOTIFY channel that carries the newest event id to every instance sharing the database. */
export const eventsChannel = 'openmdm_events';

/**
 * After a commit that stored events, NOTIFYs `eventsChannel` with the newest id, so live views on other
 * instances read the log at once. Coalesced: at most one NOTIFY is in flight per instance, and the next one
 * carries the newest id seen meanwhile. Listeners re-read `mdm_events` by id, so a lost notification only
 * delays them until their fallback poll.
 */
export function eventsNotifier(database: DatabaseAdapter, logger: Logger): EventsCommittedHook {
  let newest = 0n;
  let dirty = false;
  let inFlight = false;

  async function flush(): Promise<void> {
    inFlight = true;
    try {
      while (dirty) {
        dirty = false;
        try {
          await database.notify(eventsChannel, newest.toString());
        } catch (error) {
          logger.debug({ err: error }, 'events notify failed');
        }
      }
    } finally {
      inFlight = false;
    }
  }

  return (events) => {
    for (const event of events) {
      const id = BigInt(event.id);
      if (id > newest) newest = id;
    }
    dirty = true;
    if (!inFlight) void flush();
  };
}
