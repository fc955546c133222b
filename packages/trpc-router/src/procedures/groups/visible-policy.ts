import type { MDMRequest } from '../../request.js';

/** Fails with NOT_FOUND unless the policy exists in the actor's tenant. */
export async function requireVisiblePolicy(
  request: MDMRequest,
  policyId: string | null | undefined,
): Promise<void> {
  if (policyId) await request.mdm.policies.get(policyId, request.scope);
}
