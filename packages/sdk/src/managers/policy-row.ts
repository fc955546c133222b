import type { policies, policyVersions } from '../db/schema/index.js';
import type { Policy, PolicyVersion } from '../domain/policy.js';

export function policyFromRow(row: typeof policies.$inferSelect): Policy {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    description: row.description,
    isDefault: row.isDefault,
    version: row.version,
    settings: row.settings,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function policyVersionFromRow(row: typeof policyVersions.$inferSelect): PolicyVersion {
  return {
    policyId: row.policyId,
    version: row.version,
    settings: row.settings,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    note: row.note,
  };
}
