import { auditListQuerySchema, auditRecordSchema, listAuditRecords } from '@openmdm/sdk';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { dateInput, pageInput, pageOf } from '../../schemas/paging.js';

/** Audit records newest first, by actor, action (`devices.block` or `devices.*`), target, result and date. */
export const listAuditInput = auditListQuerySchema.extend({
  from: dateInput.optional(),
  to: dateInput.optional(),
  ...pageInput,
});
export const listAuditOutput = pageOf(auditRecordSchema);

export const listAudit = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'audit:read' }))
    .input(listAuditInput.optional())
    .output(listAuditOutput)
    .query(({ ctx, input }) => listAuditRecords(ctx.openmdm.mdm.database.db, input ?? {}, ctx.openmdm.scope));
