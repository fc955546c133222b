import type { commands } from '../db/schema/index.js';
import type { Command, CommandStatus } from '../domain/command.js';
import type { CommandType } from '../domain/command-payloads.js';

export type CommandRow = typeof commands.$inferSelect;

export function commandFromRow(row: CommandRow): Command {
  return {
    id: row.id,
    deviceId: row.deviceId,
    tenantId: row.tenantId,
    type: row.type as CommandType,
    payload: row.payload,
    status: row.status as CommandStatus,
    idempotencyKey: row.idempotencyKey,
    result: row.result ?? null,
    error: row.error,
    batchId: row.batchId,
    createdBy: row.createdBy,
    metadata: row.metadata,
    deliveryCount: row.deliveryCount,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    acknowledgedAt: row.acknowledgedAt,
    completedAt: row.completedAt,
    expiresAt: row.expiresAt,
    updatedAt: row.updatedAt,
  };
}
