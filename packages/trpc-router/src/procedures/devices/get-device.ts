import { complianceStates, devicePolicyStateOf, deviceSchema, policySourceSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';
import { byIdInput } from '../../schemas/common.js';

export const getDeviceInput = byIdInput;
export const getDeviceOutput = z.object({
  /** The device with its telemetry, installed apps and group ids. */
  device: deviceSchema,
  groups: z.array(z.object({ id: z.string(), name: z.string() })),
  /** The policy the device must run, where it comes from, and whether the device reports it. */
  policy: z.object({
    policyId: z.string().nullable(),
    policyName: z.string().nullable(),
    policyVersion: z.number().int().nullable(),
    source: policySourceSchema,
    groupId: z.string().nullable(),
    appliedPolicyId: z.string().nullable(),
    appliedPolicyVersion: z.number().int().nullable(),
    compliance: z.enum(complianceStates),
  }),
});

export const getDevice = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:read' }))
    .input(getDeviceInput)
    .output(getDeviceOutput)
    .query(async ({ ctx, input }) => {
      const { mdm, scope } = ctx.openmdm;
      const device = await mdm.devices.get(input.id, scope);
      const [groups, policy] = await Promise.all([
        Promise.all(device.groupIds.map((id) => mdm.groups.get(id, scope))),
        devicePolicyStateOf(mdm.database.db, device.id),
      ]);
      return {
        device,
        groups: groups.map((g) => ({ id: g.id, name: g.name })),
        policy: policy ?? {
          policyId: null,
          policyName: null,
          policyVersion: null,
          source: 'none' as const,
          groupId: null,
          appliedPolicyId: device.appliedPolicyId,
          appliedPolicyVersion: device.appliedPolicyVersion,
          compliance: 'noPolicy' as const,
        },
      };
    });
