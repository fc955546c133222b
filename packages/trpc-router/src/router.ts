import type {
  inferRouterInputs,
  inferRouterOutputs,
  TRPCBuiltRouter,
  TRPCDecorateCreateRouterOptions,
  TRPCDefaultErrorShape,
} from '@trpc/server';
import type { MDMMeta } from './meta.js';
import type { MDMProcedureBuilder } from './procedure.js';
import { addAppVersion } from './procedures/apps/add-app-version.js';
import { addUploadedAppVersion } from './procedures/apps/add-uploaded-app-version.js';
import { createAppUploadUrl } from './procedures/apps/create-app-upload-url.js';
import { deleteApp } from './procedures/apps/delete-app.js';
import { getApp } from './procedures/apps/get-app.js';
import { listAppVersions } from './procedures/apps/list-app-versions.js';
import { listApps } from './procedures/apps/list-apps.js';
import { registerApp } from './procedures/apps/register-app.js';
import { listAudit } from './procedures/audit/list-audit.js';
import { assignBulkPolicy } from './procedures/bulk/assign-bulk-policy.js';
import { getBatch } from './procedures/bulk/get-batch.js';
import { sendBulkCommand } from './procedures/bulk/send-bulk-command.js';
import { watchBatch } from './procedures/bulk/watch-batch.js';
import { cancelCommand } from './procedures/commands/cancel-command.js';
import { getCommand } from './procedures/commands/get-command.js';
import { getCommandTimeline } from './procedures/commands/get-command-timeline.js';
import { listCommands } from './procedures/commands/list-commands.js';
import { sendCommand } from './procedures/commands/send-command.js';
import { approveDevice } from './procedures/devices/approve-device.js';
import { assignDevicePolicy } from './procedures/devices/assign-device-policy.js';
import { blockDevice } from './procedures/devices/block-device.js';
import { deleteDevice } from './procedures/devices/delete-device.js';
import { getDevice } from './procedures/devices/get-device.js';
import { getDeviceStats } from './procedures/devices/get-device-stats.js';
import { listDevices } from './procedures/devices/list-devices.js';
import { setDeviceGroups } from './procedures/devices/set-device-groups.js';
import { unblockDevice } from './procedures/devices/unblock-device.js';
import { unenrollDevice } from './procedures/devices/unenroll-device.js';
import { updateDevice } from './procedures/devices/update-device.js';
import { createProvisioning } from './procedures/enrollment/create-provisioning.js';
import { streamEvents } from './procedures/events/stream-events.js';
import { createGroup } from './procedures/groups/create-group.js';
import { deleteGroup } from './procedures/groups/delete-group.js';
import { getGroup } from './procedures/groups/get-group.js';
import { listGroups } from './procedures/groups/list-groups.js';
import { updateGroup } from './procedures/groups/update-group.js';
import { createPolicy } from './procedures/policies/create-policy.js';
import { deletePolicy } from './procedures/policies/delete-policy.js';
import { diffPolicy } from './procedures/policies/diff-policy.js';
import { getPolicy } from './procedures/policies/get-policy.js';
import { getPolicyRollout } from './procedures/policies/get-policy-rollout.js';
import { getPolicySchema } from './procedures/policies/get-policy-schema.js';
import { listPolicies } from './procedures/policies/list-policies.js';
import { rollbackPolicy } from './procedures/policies/rollback-policy.js';
import { setDefaultPolicy } from './procedures/policies/set-default-policy.js';
import { updatePolicy } from './procedures/policies/update-policy.js';
import { createWebhook } from './procedures/webhooks/create-webhook.js';
import { deleteWebhook } from './procedures/webhooks/delete-webhook.js';
import { getWebhook } from './procedures/webhooks/get-webhook.js';
import { listWebhookDeliveries } from './procedures/webhooks/list-webhook-deliveries.js';
import { listWebhooks } from './procedures/webhooks/list-webhooks.js';
import { replayWebhookDelivery } from './procedures/webhooks/replay-webhook-delivery.js';
import { testWebhook } from './procedures/webhooks/test-webhook.js';
import { updateWebhook } from './procedures/webhooks/update-webhook.js';

/** Wires procedure names to their files; nothing else lives here. */
export function buildMDMProcedures(p: MDMProcedureBuilder) {
  return {
    devices: {
      list: listDevices(p),
      get: getDevice(p),
      stats: getDeviceStats(p),
      update: updateDevice(p),
      approve: approveDevice(p),
      block: blockDevice(p),
      unblock: unblockDevice(p),
      assignPolicy: assignDevicePolicy(p),
      setGroups: setDeviceGroups(p),
      unenroll: unenrollDevice(p),
      delete: deleteDevice(p),
    },
    bulk: {
      sendCommand: sendBulkCommand(p),
      assignPolicy: assignBulkPolicy(p),
      get: getBatch(p),
      watch: watchBatch(p),
    },
    policies: {
      list: listPolicies(p),
      get: getPolicy(p),
      create: createPolicy(p),
      update: updatePolicy(p),
      delete: deletePolicy(p),
      rollback: rollbackPolicy(p),
      setDefault: setDefaultPolicy(p),
      diff: diffPolicy(p),
      rollout: getPolicyRollout(p),
      schema: getPolicySchema(p),
    },
    commands: {
      send: sendCommand(p),
      cancel: cancelCommand(p),
      list: listCommands(p),
      get: getCommand(p),
      timeline: getCommandTimeline(p),
    },
    groups: {
      list: listGroups(p),
      get: getGroup(p),
      create: createGroup(p),
      update: updateGroup(p),
      delete: deleteGroup(p),
    },
    apps: {
      list: listApps(p),
      get: getApp(p),
      register: registerApp(p),
      addVersion: addAppVersion(p),
      createUploadUrl: createAppUploadUrl(p),
      addUploadedVersion: addUploadedAppVersion(p),
      versions: listAppVersions(p),
      delete: deleteApp(p),
    },
    webhooks: {
      list: listWebhooks(p),
      get: getWebhook(p),
      create: createWebhook(p),
      update: updateWebhook(p),
      delete: deleteWebhook(p),
      test: testWebhook(p),
      deliveries: listWebhookDeliveries(p),
      replay: replayWebhookDelivery(p),
    },
    audit: { list: listAudit(p) },
    enrollment: { createProvisioning: createProvisioning(p) },
    events: { stream: streamEvents(p) },
  };
}

/** The procedures `createMDMRouter` returns, to nest under any key of the host's router. */
export type MDMProcedures = ReturnType<typeof buildMDMProcedures>;

/**
 * The MDM router as a client sees it, whatever host it is mounted in (outputs as a transformer such as
 * superjson delivers them: dates are `Date`).
 */
export type MDMRouter = TRPCBuiltRouter<
  { ctx: object; meta: MDMMeta; errorShape: TRPCDefaultErrorShape; transformer: true },
  TRPCDecorateCreateRouterOptions<MDMProcedures>
>;

export type RouterInputs = inferRouterInputs<MDMRouter>;
export type RouterOutputs = inferRouterOutputs<MDMRouter>;
