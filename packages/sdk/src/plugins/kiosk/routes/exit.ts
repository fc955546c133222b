import { z } from 'zod';
import { agentRoute } from '../../define.js';
import type { PluginContext } from '../../types.js';
import type { KioskService } from '../kiosk-service.js';

const exitBody = z.strictObject({ password: z.string().min(1).max(128) });

/**
 * `POST <agent base>/kiosk/exit` `{ password }` (device token): leaves kiosk mode when the password is right.
 * 200 `{ success, commandId }`; 403 wrong password with `attemptsLeft`; 423 locked out with `retryAfterSeconds`.
 */
export function exitRoute(service: (ctx: PluginContext) => KioskService) {
  return agentRoute({
    method: 'POST',
    path: '/kiosk/exit',
    auth: 'device',
    body: exitBody,
    async handler({ deviceId, body }, ctx) {
      const result = await service(ctx).attemptExit(deviceId!, body.password);
      if (result.ok) return { status: 200, body: { success: true, commandId: result.commandId } };
      if (result.reason === 'invalid_password') {
        return {
          status: 403,
          body: { success: false, code: result.code, attemptsLeft: result.attemptsLeft },
        };
      }
      return new Response(
        JSON.stringify({
          success: false,
          code: result.code,
          lockedUntil: result.lockedUntil,
          retryAfterSeconds: result.retryAfterSeconds,
        }),
        {
          status: 423,
          headers: { 'content-type': 'application/json', 'retry-after': String(result.retryAfterSeconds) },
        },
      );
    },
  });
}
