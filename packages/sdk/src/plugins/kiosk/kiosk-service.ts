import type { Command } from '../../domain/command.js';
import type { MDMEvent } from '../../domain/event.js';
import { MDMError, ValidationError } from '../../errors.js';
import type { HeartbeatHookInput, HeartbeatHookResult, PluginContext } from '../types.js';
import { KIOSK_ERROR_CODES } from './error-codes.js';
import { hashExitPassword, verifyExitPassword } from './exit-password.js';
import type { KioskSettings } from './options.js';
import { emptyKioskState, type KioskDeviceState, passwordKey, stateKey } from './state.js';
import './events.js';

export interface KioskStatus extends KioskDeviceState {
  deviceId: string;
  /** The kiosk app the device should show now (from kiosk state, else its policy), or null. */
  expectedPackage: string | null;
}

export type KioskExitAttempt =
  | { ok: true; commandId: string }
  | { ok: false; reason: 'invalid_password'; code: string; attemptsLeft: number }
  | { ok: false; reason: 'locked_out'; code: string; lockedUntil: string; retryAfterSeconds: number };

interface KioskTarget {
  packageName: string;
  /** The kiosk app and the other apps the kiosk allows in front. */
  allowed: string[];
}

/** The kiosk plugin's behaviour, on top of the plugin context (managers, store, logger). */
export class KioskService {
  constructor(
    private readonly ctx: PluginContext,
    private readonly settings: KioskSettings,
    private readonly defaultPasswordHash: Promise<string | null>,
  ) {}

  async status(deviceId: string): Promise<KioskStatus> {
    await this.ctx.mdm.devices.get(deviceId);
    const state = (await this.ctx.store.get<KioskDeviceState>(stateKey(deviceId))) ?? emptyKioskState;
    const target = await this.target(deviceId, state);
    return { ...emptyKioskState, ...state, deviceId, expectedPackage: target?.packageName ?? null };
  }

  /** Sends `enterKiosk` with `packageName` (the policy's `mainApp` when omitted) and records the state. */
  async enter(
    deviceId: string,
    options: { packageName?: string; source?: 'admin' | 'policy' } = {},
  ): Promise<{ command: Command; state: KioskDeviceState }> {
    const packageName = options.packageName ?? (await this.policyTarget(deviceId))?.packageName;
    if (!packageName) {
      throw new ValidationError('no kiosk app: give packageName or set mainApp in the device policy', [
        {
          path: ['packageName'],
          message: 'required when the policy has no mainApp',
          code: KIOSK_ERROR_CODES.NO_PACKAGE,
        },
      ]);
    }
    const source = options.source ?? 'admin';
    const command = await this.ctx.mdm.commands.send(deviceId, {
      type: 'enterKiosk',
      payload: { packageName },
    });
    const state = await this.write(deviceId, (s) => ({
      ...s,
      active: true,
      packageName,
      source,
      confirmed: false,
      lastCommandId: command.id,
      lastError: null,
      enteredAt: new Date().toISOString(),
      failedExitAttempts: 0,
      lockedUntil: null,
    }));
    await this.ctx.mdm.emit(
      'kiosk.entered',
      { deviceId, packageName, commandId: command.id, source },
      { deviceId, commandId: command.id, tenantId: command.tenantId },
    );
    return { command, state };
  }

  /** Sends `exitKiosk` and records the state; an explicit exit wins over the policy until the next enter. */
  async exit(
    deviceId: string,
    via: 'admin' | 'password' | 'policy' = 'admin',
  ): Promise<{ command: Command; state: KioskDeviceState }> {
    const command = await this.ctx.mdm.commands.send(deviceId, { type: 'exitKiosk' });
    const state = await this.write(deviceId, (s) => ({
      ...s,
      active: false,
      source: via === 'policy' ? 'policy' : 'admin',
      confirmed: false,
      lastCommandId: command.id,
      lastError: null,
      exitedAt: new Date().toISOString(),
      failedExitAttempts: 0,
      lockedUntil: null,
    }));
    await this.ctx.mdm.emit(
      'kiosk.exited',
      { deviceId, commandId: command.id, via },
      { deviceId, commandId: command.id, tenantId: command.tenantId },
    );
    return { command, state };
  }

  /**
   * A password-protected exit (from the device or a kiosk UI). After `maxExitAttempts` wrong passwords in a
   * row, exits are refused for `lockoutSeconds`. Attempts are counted atomically across instances.
   */
  async attemptExit(deviceId: string, password: string): Promise<KioskExitAttempt> {
    await this.ctx.mdm.devices.get(deviceId);
    const stored =
      (await this.ctx.store.get<string>(passwordKey(deviceId))) ?? (await this.defaultPasswordHash);
    if (!stored) {
      throw new MDMError(
        KIOSK_ERROR_CODES.EXIT_PASSWORD_NOT_SET,
        `no kiosk exit password is set for ${deviceId}`,
      );
    }
    const correct = await verifyExitPassword(password, stored);
    const now = Date.now();
    const decided: { refusal: KioskExitAttempt | null; lockedNow: boolean } = {
      refusal: null,
      lockedNow: false,
    };
    await this.write(deviceId, (s) => {
      if (s.lockedUntil && Date.parse(s.lockedUntil) > now) {
        decided.refusal = this.lockedOut(s.lockedUntil, now);
        return s;
      }
      if (correct) return { ...s, failedExitAttempts: 0, lockedUntil: null };
      const failed = s.failedExitAttempts + 1;
      if (failed >= this.settings.maxExitAttempts) {
        const until = new Date(now + this.settings.lockoutSeconds * 1000).toISOString();
        decided.refusal = this.lockedOut(until, now);
        decided.lockedNow = true;
        return { ...s, failedExitAttempts: 0, lockedUntil: until };
      }
      const attemptsLeft = this.settings.maxExitAttempts - failed;
      decided.refusal = {
        ok: false,
        reason: 'invalid_password',
        code: KIOSK_ERROR_CODES.EXIT_PASSWORD_INVALID,
        attemptsLeft,
      };
      return { ...s, failedExitAttempts: failed };
    });
    const refusal = decided.refusal;
    if (refusal && !refusal.ok) {
      if (refusal.reason === 'invalid_password') {
        await this.ctx.mdm.emit(
          'kiosk.exitDenied',
          { deviceId, attemptsLeft: refusal.attemptsLeft },
          { deviceId },
        );
      } else if (decided.lockedNow) {
        await this.ctx.mdm.emit('kiosk.lockedOut', { deviceId, until: refusal.lockedUntil }, { deviceId });
      }
      return refusal;
    }
    const { command } = await this.exit(deviceId, 'password');
    return { ok: true, commandId: command.id };
  }

  /** Ends a lockout and resets the count of wrong passwords. */
  async unlock(deviceId: string): Promise<KioskDeviceState> {
    await this.ctx.mdm.devices.get(deviceId);
    return this.write(deviceId, (s) => ({ ...s, failedExitAttempts: 0, lockedUntil: null }));
  }

  /** Sets (or with null, clears) a device's own exit password; it is stored as an scrypt hash. */
  async setExitPassword(deviceId: string, password: string | null): Promise<void> {
    await this.ctx.mdm.devices.get(deviceId);
    if (password === null) await this.ctx.store.delete(passwordKey(deviceId));
    else await this.ctx.store.set(passwordKey(deviceId), await hashExitPassword(password));
  }

  /**
   * The heartbeat hook: when the agent reports `runningApps` (first entry = the app in front) and the kiosk
   * app is not in front, queue one `runApp` for it, at most once per `relaunch.minIntervalSeconds`.
   */
  async onHeartbeat({ device, heartbeat }: HeartbeatHookInput): Promise<HeartbeatHookResult | undefined> {
    const running = heartbeat.runningApps;
    if (!this.settings.relaunch.enabled || !running) return undefined;
    const state = await this.ctx.store.get<KioskDeviceState>(stateKey(device.id));
    const target = await this.target(device.id, state ?? null);
    if (!target) return undefined;
    const foreground = running[0] ?? null;
    if (foreground !== null && target.allowed.includes(foreground)) return undefined;
    const open = await this.ctx.mdm.commands.list({
      deviceId: device.id,
      type: ['runApp'],
      status: ['pending', 'sent'],
    });
    if (open.items.some((c) => c.payload.packageName === target.packageName)) return undefined;
    const now = Date.now();
    const throttle = { due: false };
    await this.write(device.id, (s) => {
      const last = s.lastRelaunchAt ? Date.parse(s.lastRelaunchAt) : 0;
      if (now - last < this.settings.relaunch.minIntervalSeconds * 1000) return s;
      throttle.due = true;
      return { ...s, lastRelaunchAt: new Date(now).toISOString(), relaunchCount: s.relaunchCount + 1 };
    });
    if (!throttle.due) return undefined;
    await this.ctx.mdm.emit(
      'kiosk.relaunchRequested',
      { deviceId: device.id, packageName: target.packageName, foreground },
      { deviceId: device.id, tenantId: device.tenantId },
    );
    return { commands: [{ type: 'runApp', payload: { packageName: target.packageName } }] };
  }

  /** After a device applied a policy: enter kiosk mode when it turns kiosk on, exit when it turned it off. */
  async followPolicy(deviceId: string): Promise<void> {
    const state = await this.ctx.store.get<KioskDeviceState>(stateKey(deviceId));
    const wanted = await this.policyTarget(deviceId);
    if (wanted && !(state?.active && state.packageName === wanted.packageName)) {
      await this.enter(deviceId, { packageName: wanted.packageName, source: 'policy' });
    } else if (!wanted && state?.active && state.source === 'policy') {
      await this.exit(deviceId, 'policy');
    }
  }

  /** Records whether the agent carried out the last enter/exit command. */
  async onCommandFinished(event: MDMEvent<'command.completed'> | MDMEvent<'command.failed'>): Promise<void> {
    const { deviceId, commandId, type } = event.payload;
    if (type !== 'enterKiosk' && type !== 'exitKiosk') return;
    const key = stateKey(deviceId);
    if ((await this.ctx.store.get<KioskDeviceState>(key))?.lastCommandId !== commandId) return;
    const success = event.type === 'command.completed' ? event.payload.success : false;
    const error =
      event.type === 'command.failed'
        ? event.payload.error
        : success
          ? null
          : (event.payload.message ?? 'failed');
    await this.write(deviceId, (s) =>
      s.lastCommandId === commandId ? { ...s, confirmed: success, lastError: error } : s,
    );
  }

  private lockedOut(until: string, now: number): KioskExitAttempt {
    return {
      ok: false,
      reason: 'locked_out',
      code: KIOSK_ERROR_CODES.LOCKED_OUT,
      lockedUntil: until,
      retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(until) - now) / 1000)),
    };
  }

  private async write(
    deviceId: string,
    change: (state: KioskDeviceState) => KioskDeviceState,
  ): Promise<KioskDeviceState> {
    const next = await this.ctx.store.update<KioskDeviceState>(stateKey(deviceId), (current) =>
      change({ ...emptyKioskState, ...current }),
    );
    return next!;
  }

  /** What the device should show: the kiosk state when set by enter/exit, else its policy. */
  private async target(deviceId: string, state: KioskDeviceState | null): Promise<KioskTarget | null> {
    const policy = await this.policyTarget(deviceId);
    if (state?.active && state.packageName) {
      const allowed = [state.packageName, ...(policy?.allowed ?? [])];
      return { packageName: state.packageName, allowed };
    }
    if (state && !state.active && state.exitedAt && state.source === 'admin') return null;
    return policy;
  }

  private async policyTarget(deviceId: string): Promise<KioskTarget | null> {
    const { policy } = await this.ctx.mdm.devices.getEffectivePolicy(deviceId);
    const settings = policy?.settings;
    if (!settings?.kioskMode || !settings.mainApp) return null;
    return { packageName: settings.mainApp, allowed: [settings.mainApp, ...(settings.kioskPackages ?? [])] };
  }
}
