/** Every permission a procedure of the MDM router can require. */
export const mdmPermissions = [
  'devices:read',
  'devices:write',
  'devices:delete',
  'commands:read',
  'commands:send',
  /** Destructive commands (wipe, factory reset) need this on top of `commands:send`. */
  'commands:wipe',
  'policies:read',
  'policies:write',
  'groups:read',
  'groups:write',
  'apps:read',
  'apps:write',
  'events:read',
  'audit:read',
  'enrollment:create',
  'webhooks:read',
  'webhooks:write',
] as const;
export type MDMPermission = (typeof mdmPermissions)[number];

const viewer: readonly MDMPermission[] = [
  'devices:read',
  'commands:read',
  'policies:read',
  'groups:read',
  'apps:read',
  'events:read',
];
const operator: readonly MDMPermission[] = [
  ...viewer,
  'devices:write',
  'commands:send',
  'groups:write',
  'apps:write',
];

/** The built-in roles: a viewer reads, an operator runs the fleet day to day, an admin may do everything. */
export const defaultRoles = {
  viewer,
  operator,
  admin: mdmPermissions,
} as const satisfies Record<string, readonly MDMPermission[]>;
export type MDMRole = keyof typeof defaultRoles;

/** Who is calling, as the host's `getActor` maps it from its own context. */
export interface MDMActor {
  /** Stable id of the user (or service) as the host knows it; written to the audit log. */
  id: string;
  /** Role names, looked up in the role map (the built-in one unless the host gives its own). */
  roles?: readonly string[];
  /** Permissions granted directly, on top of the roles'. */
  permissions?: readonly string[];
  /** When set, every read and write is limited to this tenant; other tenants' ids behave as not found. */
  tenantId?: string | null;
}

export interface PermissionCheck {
  actor: MDMActor;
  permission: MDMPermission;
  /** Path of the procedure being called, e.g. `mdm.devices.block`. */
  path: string;
  /** The decision of the role map; the hook may keep it or override it. */
  granted: boolean;
}

export interface PermissionOptions {
  /** Role map; entries replace the built-in role of the same name, others add roles. */
  roles?: Record<string, readonly MDMPermission[]>;
  /** Final say on every check (e.g. to consult the host's own policy engine). */
  authorize?: (check: PermissionCheck) => boolean | Promise<boolean>;
}

export type Authorizer = (actor: MDMActor, permission: MDMPermission, path: string) => Promise<boolean>;

export function createAuthorizer(options: PermissionOptions = {}): Authorizer {
  const roles: Record<string, readonly string[]> = { ...defaultRoles, ...options.roles };
  return async (actor, permission, path) => {
    const granted =
      (actor.permissions?.includes(permission) ?? false) ||
      (actor.roles ?? []).some((role) => Object.hasOwn(roles, role) && roles[role]!.includes(permission));
    return options.authorize ? options.authorize({ actor, permission, path, granted }) : granted;
  };
}
