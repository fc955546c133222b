import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import { commands } from '../db/schema/index.js';
import type { CommandType } from '../domain/command-payloads.js';

/**
 * Fails commands that were acknowledged `timeoutSeconds` ago and never completed. Failing (rather than
 * requeueing) is deliberate: an acknowledged command may already have run on the device, and running a
 * wipe, a reboot or a shell command twice is worse than asking an operator to resend it. The error says so.
 * Safe to run on several instances (`FOR UPDATE SKIP LOCKED`); resolves to how many commands it failed.
 */
export async function failStuckAcknowledged(
  ctx: MDMContext,
  timeoutSeconds: number,
  limit = 500,
): Promise<number> {
  return ctx.transact(async (tx, events) => {
    const due = await tx
      .select({ id: commands.id })
      .from(commands)
      .where(
        and(
          eq(commands.status, 'acknowledged'),
          lte(commands.acknowledgedAt, sql`now() - make_interval(secs => ${timeoutSeconds})`),
        ),
      )
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return 0;
    const error = `no result within ${timeoutSeconds} s after the device acknowledged the command (ack watchdog); it may or may not have run on the device`;
    const rows = await tx
      .update(commands)
      .set({ status: 'failed', error, completedAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        and(
          inArray(
            commands.id,
            due.map((d) => d.id),
          ),
          eq(commands.status, 'acknowledged'),
        ),
      )
      .returning();
    for (const row of rows) {
      events.add({
        type: 'command.failed',
        payload: { commandId: row.id, deviceId: row.deviceId, type: row.type as CommandType, error },
        deviceId: row.deviceId,
        commandId: row.id,
        tenantId: row.tenantId,
      });
    }
    return rows.length;
  });
}
