import type { AuditScope, EventFeedOptions, MDMInstance, TenantScope } from '@openmdm/sdk';
import { TRPCError } from '@trpc/server';
import type { ProvisioningOptions } from './enrollment-options.js';
import type { Authorizer, MDMActor, MDMPermission } from './permissions.js';

/** Router-wide settings every procedure can read. */
export interface MDMRouterSettings {
  mdm: MDMInstance;
  authorize: Authorizer;
  enrollment: ProvisioningOptions | null;
  events: EventFeedOptions;
}

/** What the router adds to the host's context for its procedures, under `ctx.openmdm`. */
export class MDMRequest {
  /** The audit scope of the running mutation (null for queries and subscriptions). */
  audit: AuditScope | null = null;

  constructor(
    readonly settings: MDMRouterSettings,
    readonly actor: MDMActor,
    readonly path: string,
    readonly requestId: string | null,
  ) {}

  get mdm(): MDMInstance {
    return this.settings.mdm;
  }

  /** The actor's tenant, or null for an actor who sees every tenant. */
  get tenantId(): string | null {
    return this.actor.tenantId ?? null;
  }

  /** The scope handed to every SDK call: other tenants' rows behave as not found. */
  get scope(): TenantScope {
    return this.actor.tenantId ? { tenantId: this.actor.tenantId } : {};
  }

  can(permission: MDMPermission): Promise<boolean> {
    return this.settings.authorize(this.actor, permission, this.path);
  }

  /** Throws FORBIDDEN unless the actor holds `permission`. */
  async require(permission: MDMPermission): Promise<void> {
    if (!(await this.can(permission))) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `missing permission ${permission}` });
    }
  }
}
