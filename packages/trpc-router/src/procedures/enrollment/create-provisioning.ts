import { randomBytes } from 'node:crypto';
import { androidProvisioningPayload, idSchema, MDMError } from '@openmdm/sdk';
import { z } from 'zod';
import { mdmMeta } from '../../meta.js';
import type { MDMProcedureBuilder } from '../../procedure.js';

export const createProvisioningInput = z
  .strictObject({
    /** Handed to the agent as `openmdm.policy_id` / `openmdm.group_id` (must exist in the actor's tenant). */
    policyId: idSchema.optional(),
    groupId: idSchema.optional(),
    /** Stored by the agent as its enrolment id; a random one when omitted. */
    enrollmentToken: z.string().min(1).max(128).optional(),
    wifi: z
      .strictObject({
        ssid: z.string().min(1).max(32),
        password: z.string().min(1).max(128).optional(),
        securityType: z.enum(['NONE', 'WEP', 'WPA', 'EAP']).optional(),
        hidden: z.boolean().optional(),
      })
      .optional(),
    leaveAllSystemAppsEnabled: z.boolean().optional(),
    skipEncryption: z.boolean().optional(),
    locale: z
      .string()
      .regex(/^[a-z]{2}_[A-Z]{2}$/, 'must look like en_US')
      .optional(),
    timeZone: z.string().min(1).max(64).optional(),
  })
  .optional();

/** The managed-provisioning extras, and the same as the text of a provisioning QR code. It contains secrets. */
export const createProvisioningOutput = z.object({
  payload: z.record(z.string(), z.unknown()),
  qrContent: z.string(),
  enrollmentToken: z.string(),
});

export const createProvisioning = (p: MDMProcedureBuilder) =>
  p
    .meta(mdmMeta({ permission: 'enrollment:create', audit: { target: 'enrollment' } }))
    .input(createProvisioningInput)
    .output(createProvisioningOutput)
    .mutation(async ({ ctx, input = {} }) => {
      const { mdm, scope, settings } = ctx.openmdm;
      const deviceSecret = mdm.options.enrollment?.deviceSecret;
      if (!settings.enrollment || !deviceSecret) {
        throw new MDMError(
          'NOT_CONFIGURED',
          'provisioning needs `enrollment` options on the router and `enrollment.deviceSecret` on the MDM',
        );
      }
      if (input.policyId) await mdm.policies.get(input.policyId, scope);
      if (input.groupId) await mdm.groups.get(input.groupId, scope);
      const enrollmentToken = input.enrollmentToken ?? randomBytes(16).toString('base64url');
      const payload = androidProvisioningPayload({
        ...input,
        serverUrl: settings.enrollment.serverUrl,
        agentApk: settings.enrollment.agentApk,
        deviceSecret,
        enrollmentToken,
      });
      return { payload, qrContent: JSON.stringify(payload), enrollmentToken };
    });
