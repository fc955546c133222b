import type { EventsStoredHook, MDMContext } from '../context.js';
import { claimAuditRecord } from './audit-log.js';
import { currentAuditScope } from './audit-scope.js';
import { eventsNotifier } from './event-notify.js';

/**
 * Wires the admin plane into the write path: an audited action's record is written in the transaction that
 * stores its events, and every commit with events is announced to the other instances.
 */
export function installAdminHooks(context: MDMContext): void {
  const auditHook: EventsStoredHook = async (tx, events) => {
    const scope = currentAuditScope();
    if (scope) await claimAuditRecord(tx, scope, events);
  };
  auditHook.idle = () => currentAuditScope() === undefined;
  context.eventsStoredHooks.push(auditHook);
  context.eventsCommittedHooks.push(eventsNotifier(context.database, context.logger));
}
