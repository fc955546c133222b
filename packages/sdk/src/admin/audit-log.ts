import { and, desc, eq, gte, like, lt, lte, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { MDMExecutor } from '../db/adapter.js';
import { auditLog } from '../db/schema/index.js';
import { cursorSchema, idSchema, type Page, pageLimitSchema } from '../domain/common.js';
import type { AnyMDMEvent } from '../domain/event.js';
import { ValidationError } from '../errors.js';
import type { TenantScope } from '../managers/policies.js';
import { decodeCursor, encodeCursor } from '../util/cursor.js';
import { parseInput } from '../util/validate.js';
import type { AuditScope, AuditSubject } from './audit-scope.js';

export const auditResults = ['success', 'error', 'denied'] as const;
export type AuditResult = (typeof auditResults)[number];

export const auditRecordSchema = z.object({
  /** Monotonic id (a bigint, as a decimal string). */
  id: z.string(),
  tenantId: z.string().nullable(),
  actorId: z.string(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  input: z.unknown(),
  result: z.enum(auditResults),
  error: z.string().nullable(),
  requestId: z.string().nullable(),
  createdAt: z.date(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const auditListQuerySchema = z.strictObject({
  actorId: z.string().min(1).max(128).optional(),
  /** An exact action (`devices.block`) or every action of an area (`devices.*`). */
  action: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.-]+(\.\*)?$/, 'must be an action name or `area.*`')
    .optional(),
  targetType: z.string().min(1).max(64).optional(),
  targetId: idSchema.optional(),
  result: z.enum(auditResults).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  limit: pageLimitSchema,
  cursor: cursorSchema.optional(),
});
export type AuditListQuery = z.input<typeof auditListQuerySchema>;

export interface AuditEntry extends AuditSubject {
  result: AuditResult;
  error?: string | null;
}

export async function writeAuditRecord(db: MDMExecutor, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    tenantId: entry.tenantId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    input: entry.input ?? null,
    result: entry.result,
    error: entry.error ? entry.error.slice(0, 2000) : null,
    requestId: entry.requestId,
  });
}

/** The audit entry of `scope` with the given result. */
export function auditEntryOf(scope: AuditScope, result: AuditResult, error?: string | null): AuditEntry {
  const { claimed: _claimed, closed: _closed, ...subject } = scope;
  return { ...subject, result, error: error ?? null };
}

/**
 * Writes the success record of `scope` inside the transaction that carries its change, unless an earlier
 * transaction of the same action already did. A target id still unknown (a create) is taken from the events.
 */
export async function claimAuditRecord(
  tx: MDMExecutor,
  scope: AuditScope,
  events: readonly AnyMDMEvent[] = [],
): Promise<void> {
  if (scope.claimed || scope.closed) return;
  scope.claimed = true;
  if (!scope.targetId && scope.targetType) scope.targetId = targetIdFromEvents(scope.targetType, events);
  await writeAuditRecord(tx, auditEntryOf(scope, 'success'));
}

function targetIdFromEvents(targetType: string, events: readonly AnyMDMEvent[]): string | null {
  const key = `${targetType}Id`;
  for (const event of events) {
    const value = (event.payload as Record<string, unknown> | null)?.[key];
    if (typeof value === 'string') return value;
  }
  return null;
}

/** Audit records, newest first, with keyset paging. */
export async function listAuditRecords(
  db: MDMExecutor,
  query: AuditListQuery = {},
  scope: TenantScope = {},
): Promise<Page<AuditRecord>> {
  const q = parseInput(auditListQuerySchema, query, 'audit list');
  const conditions: SQL[] = [];
  if (scope.tenantId) conditions.push(eq(auditLog.tenantId, scope.tenantId));
  if (q.actorId) conditions.push(eq(auditLog.actorId, q.actorId));
  if (q.action?.endsWith('.*')) {
    const prefix = q.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(like(auditLog.action, `${prefix}%`));
  } else if (q.action) conditions.push(eq(auditLog.action, q.action));
  if (q.targetType) conditions.push(eq(auditLog.targetType, q.targetType));
  if (q.targetId) conditions.push(eq(auditLog.targetId, q.targetId));
  if (q.result) conditions.push(eq(auditLog.result, q.result));
  if (q.from) conditions.push(gte(auditLog.createdAt, q.from));
  if (q.to) conditions.push(lte(auditLog.createdAt, q.to));
  if (q.cursor) conditions.push(lt(auditLog.id, cursorId(q.cursor)));
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      id: row.id.toString(),
      tenantId: row.tenantId,
      actorId: row.actorId,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      input: row.input,
      result: row.result as AuditResult,
      error: row.error,
      requestId: row.requestId,
      createdAt: row.createdAt,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(null, last.id.toString()) : null,
  };
}

function cursorId(cursor: string): bigint {
  const { id } = decodeCursor(cursor);
  if (!/^\d{1,19}$/.test(id))
    throw new ValidationError('invalid cursor', [{ path: ['cursor'], message: 'invalid cursor' }]);
  return BigInt(id);
}
