import { complianceStates, deviceFilterSchema, deviceStatuses, fleetStats } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

const counts = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<K, z.ZodNumber>);

/** Optionally narrowed by the same filter as `devices.list`. */
export const getDeviceStatsInput = z.strictObject({ filter: deviceFilterSchema.optional() }).optional();
export const getDeviceStatsOutput = z.object({
  total: z.number().int(),
  byStatus: counts(deviceStatuses),
  online: z.number().int(),
  offline: z.number().int(),
  onlineWindowSeconds: z.number().int(),
  byOsVersion: z.array(z.object({ osVersion: z.string().nullable(), count: z.number().int() })),
  compliance: counts(complianceStates),
});

export const getDeviceStats = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:read' }))
    .input(getDeviceStatsInput)
    .output(getDeviceStatsOutput)
    .query(({ ctx, input }) => fleetStats(ctx.openmdm.mdm.context, ctx.openmdm.scope, input?.filter ?? {}));
