import type { MDMInstance } from '../../create-mdm.js';
import { MDMError } from '../../errors.js';
import { definePlugin } from '../define.js';
import type { PluginContext } from '../types.js';
import { kioskAdminOperations } from './admin.js';
import { hashExitPassword } from './exit-password.js';
import { KioskService } from './kiosk-service.js';
import { type KioskOptions, type KioskSettings, parseKioskOptions } from './options.js';
import { kioskSettingsIssues } from './policy.js';
import { exitRoute } from './routes/exit.js';

export { KIOSK_ERROR_CODES, type KioskErrorCode } from './error-codes.js';
export type { KioskExitAttempt, KioskService, KioskStatus } from './kiosk-service.js';
export type { KioskOptions, KioskSettings } from './options.js';
export type { KioskDeviceState } from './state.js';

function createKioskPlugin(settings: KioskSettings) {
  const defaultPasswordHash = settings.exitPassword
    ? hashExitPassword(settings.exitPassword)
    : Promise.resolve(null);
  const services = new WeakMap<PluginContext, KioskService>();
  const service = (ctx: PluginContext): KioskService => {
    let kiosk = services.get(ctx);
    if (!kiosk) {
      kiosk = new KioskService(ctx, settings, defaultPasswordHash);
      services.set(ctx, kiosk);
    }
    return kiosk;
  };
  return definePlugin({
    name: 'kiosk',
    version: '1.0.0',
    settings,
    /** The plugin's typed API for a context (see `kiosk(mdm)`). */
    service,
    heartbeat: (input, ctx) => service(ctx).onHeartbeat(input),
    validatePolicySettings: ({ settings: policySettings }) => kioskSettingsIssues(policySettings),
    events: {
      'command.completed': (event, ctx) => service(ctx).onCommandFinished(event),
      'command.failed': (event, ctx) => service(ctx).onCommandFinished(event),
      ...(settings.followPolicy && {
        'policy.applied': (event, ctx) => service(ctx).followPolicy(event.payload.deviceId),
      }),
    },
    agentRoutes: [exitRoute(service)],
    admin: kioskAdminOperations(service),
  });
}

export type KioskPlugin = ReturnType<typeof createKioskPlugin>;

/**
 * Kiosk mode on the plugin contract: kiosk settings from policy (`kioskMode`, `mainApp`, `kioskPackages`),
 * enter/exit commands with the `packageName` the agent reads, relaunch of the kiosk app when a heartbeat's
 * `runningApps` shows another app in front, and password-protected exits with lockout. State lives in the
 * plugin's key-value store, so it survives restarts. Options are validated here (ValidationError).
 */
export function kioskPlugin(options: KioskOptions = {}): KioskPlugin {
  return createKioskPlugin(parseKioskOptions(options));
}

/** The typed kiosk API of an instance: `kiosk(mdm).enter(deviceId)`, `.status(deviceId)` … */
export function kiosk(mdm: MDMInstance): KioskService {
  const plugin = mdm.plugins.get<KioskPlugin>('kiosk');
  if (!plugin)
    throw new MDMError(
      'PLUGIN_NOT_INSTALLED',
      'the kiosk plugin is not installed: add kioskPlugin() to plugins',
    );
  return plugin.service(mdm.plugins.context('kiosk'));
}
