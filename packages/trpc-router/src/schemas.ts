/** Input and output schemas of every procedure, for forms and validation in custom UIs. */
export { addAppVersionInput, addAppVersionOutput } from './procedures/apps/add-app-version.js';
export { deleteAppInput, deleteAppOutput } from './procedures/apps/delete-app.js';
export { getAppInput, getAppOutput } from './procedures/apps/get-app.js';
export { listAppVersionsInput, listAppVersionsOutput } from './procedures/apps/list-app-versions.js';
export { listAppsOutput } from './procedures/apps/list-apps.js';
export { registerAppInput, registerAppOutput } from './procedures/apps/register-app.js';
export { listAuditInput, listAuditOutput } from './procedures/audit/list-audit.js';
export { assignBulkPolicyInput, assignBulkPolicyOutput } from './procedures/bulk/assign-bulk-policy.js';
export { batchProgressOutput, getBatchInput, getBatchOutput } from './procedures/bulk/get-batch.js';
export {
  bulkResultOutput,
  sendBulkCommandInput,
  sendBulkCommandOutput,
} from './procedures/bulk/send-bulk-command.js';
export { watchBatchInput, watchBatchOutput } from './procedures/bulk/watch-batch.js';
export { cancelCommandInput, cancelCommandOutput } from './procedures/commands/cancel-command.js';
export { getCommandInput, getCommandOutput } from './procedures/commands/get-command.js';
export {
  getCommandTimelineInput,
  getCommandTimelineOutput,
} from './procedures/commands/get-command-timeline.js';
export { listCommandsInput, listCommandsOutput } from './procedures/commands/list-commands.js';
export { sendCommandInput, sendCommandOutput } from './procedures/commands/send-command.js';
export { approveDeviceInput, approveDeviceOutput } from './procedures/devices/approve-device.js';
export {
  assignDevicePolicyInput,
  assignDevicePolicyOutput,
} from './procedures/devices/assign-device-policy.js';
export { blockDeviceInput, blockDeviceOutput } from './procedures/devices/block-device.js';
export { deleteDeviceInput, deleteDeviceOutput } from './procedures/devices/delete-device.js';
export { getDeviceInput, getDeviceOutput } from './procedures/devices/get-device.js';
export { getDeviceStatsInput, getDeviceStatsOutput } from './procedures/devices/get-device-stats.js';
export { listDevicesInput, listDevicesOutput } from './procedures/devices/list-devices.js';
export { setDeviceGroupsInput, setDeviceGroupsOutput } from './procedures/devices/set-device-groups.js';
export { unblockDeviceInput, unblockDeviceOutput } from './procedures/devices/unblock-device.js';
export { unenrollDeviceInput, unenrollDeviceOutput } from './procedures/devices/unenroll-device.js';
export { updateDeviceInput, updateDeviceOutput } from './procedures/devices/update-device.js';
export {
  createProvisioningInput,
  createProvisioningOutput,
} from './procedures/enrollment/create-provisioning.js';
export { streamEventsInput } from './procedures/events/stream-events.js';
export { createGroupInput, createGroupOutput } from './procedures/groups/create-group.js';
export { deleteGroupInput, deleteGroupOutput } from './procedures/groups/delete-group.js';
export { getGroupInput, getGroupOutput } from './procedures/groups/get-group.js';
export { listGroupsOutput } from './procedures/groups/list-groups.js';
export { updateGroupInput, updateGroupOutput } from './procedures/groups/update-group.js';
export { createPolicyInput, createPolicyOutput } from './procedures/policies/create-policy.js';
export { deletePolicyInput, deletePolicyOutput } from './procedures/policies/delete-policy.js';
export { diffPolicyInput, diffPolicyOutput } from './procedures/policies/diff-policy.js';
export { getPolicyInput, getPolicyOutput } from './procedures/policies/get-policy.js';
export { getPolicyRolloutInput, getPolicyRolloutOutput } from './procedures/policies/get-policy-rollout.js';
export { getPolicySchemaOutput } from './procedures/policies/get-policy-schema.js';
export { listPoliciesOutput } from './procedures/policies/list-policies.js';
export { rollbackPolicyInput, rollbackPolicyOutput } from './procedures/policies/rollback-policy.js';
export { setDefaultPolicyInput, setDefaultPolicyOutput } from './procedures/policies/set-default-policy.js';
export { updatePolicyInput, updatePolicyOutput } from './procedures/policies/update-policy.js';
export { createWebhookInput, createWebhookOutput } from './procedures/webhooks/create-webhook.js';
export { deleteWebhookInput, deleteWebhookOutput } from './procedures/webhooks/delete-webhook.js';
export { getWebhookInput, getWebhookOutput } from './procedures/webhooks/get-webhook.js';
export {
  listWebhookDeliveriesInput,
  listWebhookDeliveriesOutput,
} from './procedures/webhooks/list-webhook-deliveries.js';
export { listWebhooksOutput } from './procedures/webhooks/list-webhooks.js';
export {
  replayWebhookDeliveryInput,
  replayWebhookDeliveryOutput,
} from './procedures/webhooks/replay-webhook-delivery.js';
export { testWebhookInput, testWebhookOutput } from './procedures/webhooks/test-webhook.js';
export { updateWebhookInput, updateWebhookOutput } from './procedures/webhooks/update-webhook.js';
export { webhookDeliveryOutput, webhookEndpointOutput } from './procedures/webhooks/webhook-schemas.js';
export { type AdminCommandInput, adminCommandSchema } from './schemas/command.js';
export { byIdInput, type EventOutput, eventOutput } from './schemas/common.js';
export { cursorSchema, dateInput, pageInput, pageLimitSchema, pageOf } from './schemas/paging.js';
