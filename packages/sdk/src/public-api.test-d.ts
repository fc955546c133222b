import { describe, expectTypeOf, it } from 'vitest';
import {
  type Command,
  type CommandInput,
  type CommandStatus,
  createMDM,
  type Device,
  type EventRetentionConfig,
  type MDMConfig,
  type MDMEvent,
  type MDMInstance,
  type Page,
  type PolicySettings,
  type WebhookRetentionConfig,
} from './index.js';

describe('public API types', () => {
  it('createMDM returns an instance with the five managers', () => {
    const mdm = createMDM();
    expectTypeOf(mdm).toEqualTypeOf<MDMInstance>();
    expectTypeOf(mdm.devices.list).returns.resolves.toEqualTypeOf<Page<Device>>();
    expectTypeOf(mdm.devices.get).returns.resolves.toEqualTypeOf<Device>();
    expectTypeOf(mdm.commands.send).returns.resolves.toEqualTypeOf<Command>();
    expectTypeOf(mdm.commands.markSentMany).returns.resolves.toEqualTypeOf<Command[]>();
    expectTypeOf(mdm.policies.resolveForDevice).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(mdm.groups.create).toBeFunction();
    expectTypeOf(mdm.apps.register).toBeFunction();
  });

  it('types event handlers by event name', () => {
    const mdm = createMDM();
    mdm.on('command.completed', (event) => {
      expectTypeOf(event).toEqualTypeOf<MDMEvent<'command.completed'>>();
      expectTypeOf(event.payload.success).toEqualTypeOf<boolean>();
      expectTypeOf(event.payload.message).toEqualTypeOf<string | null>();
    });
    mdm.on('device.blocked', (event) => {
      expectTypeOf(event.payload.reason).toEqualTypeOf<string | null>();
    });
    // @ts-expect-error unknown event names are refused
    mdm.on('device.exploded', () => {});
  });

  it('ties command payloads to command types', () => {
    expectTypeOf<{
      type: 'installApp';
      payload: { packageName: string; url: string };
    }>().toMatchTypeOf<CommandInput>();
    expectTypeOf<{ type: 'reboot' }>().toMatchTypeOf<CommandInput>();
    // @ts-expect-error installApp needs a url
    const bad: CommandInput = { type: 'installApp', payload: { packageName: 'com.a.b' } };
    void bad;
    expectTypeOf<Command['status']>().toEqualTypeOf<CommandStatus>();
  });

  it('types policy settings with the agent keys', () => {
    expectTypeOf<PolicySettings['kioskMode']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<PolicySettings['passwordMinLength']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NonNullable<PolicySettings['wifiNetworks']>[number]['ssid']>().toEqualTypeOf<string>();
  });

  it('takes event retention in whole days, or null to keep events forever', () => {
    expectTypeOf<NonNullable<MDMConfig['jobs']>['eventRetention']>().toEqualTypeOf<
      EventRetentionConfig | undefined
    >();
    expectTypeOf<{ heartbeatDays: 7; otherDays: null }>().toMatchTypeOf<EventRetentionConfig>();
    // @ts-expect-error days are numbers
    const bad: EventRetentionConfig = { heartbeatDays: '7' };
    void bad;
    expectTypeOf<NonNullable<MDMConfig['jobs']>['webhookRetention']>().toEqualTypeOf<
      WebhookRetentionConfig | undefined
    >();
    expectTypeOf<{ deliveredDays: 7; deadDays: null }>().toMatchTypeOf<WebhookRetentionConfig>();
  });

  it('hands the token generation of the access token to the heartbeat', () => {
    const mdm = createMDM();
    expectTypeOf(mdm.agent.heartbeat).parameters.toEqualTypeOf<
      [deviceId: string, body: unknown, tokenGeneration?: number | undefined]
    >();
  });
});
