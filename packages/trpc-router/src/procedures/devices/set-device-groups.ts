import { deviceSchema, idSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

/** Replaces the device's group memberships. */
export const setDeviceGroupsInput = z.strictObject({ id: idSchema, groupIds: z.array(idSchema).max(100) });
export const setDeviceGroupsOutput = deviceSchema;

export const setDeviceGroups = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'devices:write', audit: { target: 'device' } }))
    .input(setDeviceGroupsInput)
    .output(setDeviceGroupsOutput)
    .mutation(({ ctx, input }) =>
      ctx.openmdm.mdm.devices.setGroups(input.id, input.groupIds, ctx.openmdm.scope),
    );
