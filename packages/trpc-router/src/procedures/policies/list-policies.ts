import { policySchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const listPoliciesOutput = z.array(policySchema);

export const listPolicies = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:read' }))
    .output(listPoliciesOutput)
    .query(({ ctx }) => ctx.openmdm.mdm.policies.list(ctx.openmdm.scope));
