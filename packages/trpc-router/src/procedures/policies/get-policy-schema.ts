import { policySettingsSchema } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

/** JSON Schema (draft 2020-12) of the policy settings a client may send, for generating forms. */
export const policySettingsJsonSchema = z.toJSONSchema(policySettingsSchema, {
  io: 'input',
  unrepresentable: 'any',
});

export const getPolicySchemaOutput = z.object({ jsonSchema: z.record(z.string(), z.unknown()) });

export const getPolicySchema = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'policies:read' }))
    .output(getPolicySchemaOutput)
    .query(() => ({ jsonSchema: policySettingsJsonSchema as Record<string, unknown> }));
