import type { MDMContext } from '../context.js';
import { claimAuditRecord } from './audit-log.js';
import { currentAuditScope } from './audit-scope.js';
import { eventsNotifier } from './event-notify.js';

/**
 * Wires the admin plane into the write path: an audited action's record is written in the transaction that
 * stores its events, and every commit with events is announced to the other instances.
 */
export function installAdminHooks(context: MDMContext): void {
  context.eventsStoredHooks.push(async (tx, events) => {
    const scope = currentAuditScope();
    if (scope) await claimAuditRecord(tx, scope, events);
  });
  context.eventsCommittedHooks.push(eventsNotifier(context.database, context.logger));
}
