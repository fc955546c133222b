export { type CreateMDMRouterOptions, createMDMRouter } from './create-mdm-router.js';
export type { ProvisioningOptions } from './enrollment-options.js';
export { type MDMErrorData, mdmErrorData, toTRPCError } from './errors.js';
export { getMDMMeta, type MDMMeta, type MDMProcedureMeta } from './meta.js';
export {
  type Authorizer,
  createAuthorizer,
  defaultRoles,
  type MDMActor,
  type MDMPermission,
  type MDMRole,
  mdmPermissions,
  type PermissionCheck,
  type PermissionOptions,
} from './permissions.js';
export type { AnyHostProcedureBuilder, inferHostContext, MDMProcedureBuilder } from './procedure.js';
export type { MDMRequest, MDMRouterSettings } from './request.js';
export {
  buildMDMProcedures,
  type MDMProcedures,
  type MDMRouter,
  type RouterInputs,
  type RouterOutputs,
} from './router.js';
export * as schemas from './schemas.js';
export {
  createStandaloneMDMRouter,
  type StandaloneMDMRouter,
  type StandaloneMDMRouterOptions,
} from './standalone.js';
