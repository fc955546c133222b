import type { CommandType, DeviceStatus } from '@openmdm/sdk';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';
import type { HostRouter } from '../test/host-app.js';
import type { MDMProcedures, MDMRouter, RouterInputs, RouterOutputs } from './index.js';
import type { EventOutput } from './schemas/common.js';

describe('MDMRouter', () => {
  it('has exactly these areas and procedures', () => {
    expectTypeOf<keyof MDMRouter['_def']['record']>().toEqualTypeOf<
      | 'devices'
      | 'bulk'
      | 'policies'
      | 'commands'
      | 'groups'
      | 'apps'
      | 'webhooks'
      | 'audit'
      | 'enrollment'
      | 'events'
    >();
    expectTypeOf<keyof MDMProcedures['devices']>().toEqualTypeOf<
      | 'list'
      | 'get'
      | 'stats'
      | 'update'
      | 'approve'
      | 'block'
      | 'unblock'
      | 'assignPolicy'
      | 'setGroups'
      | 'unenroll'
      | 'delete'
    >();
    expectTypeOf<keyof MDMProcedures['bulk']>().toEqualTypeOf<
      'sendCommand' | 'assignPolicy' | 'get' | 'watch'
    >();
    expectTypeOf<keyof MDMProcedures['commands']>().toEqualTypeOf<
      'send' | 'cancel' | 'list' | 'get' | 'timeline'
    >();
  });

  it('is what a client of the host app sees under its mount point', () => {
    expectTypeOf<inferRouterOutputs<HostRouter>['admin']['mdm']>().toEqualTypeOf<RouterOutputs>();
    expectTypeOf<inferRouterInputs<HostRouter>['admin']['mdm']>().toEqualTypeOf<RouterInputs>();
  });
});

describe('RouterInputs', () => {
  it('takes the strict device filter with paging, all optional', () => {
    type ListInput = RouterInputs['devices']['list'];
    expectTypeOf<undefined>().toExtend<ListInput>();
    expectTypeOf<{
      status: DeviceStatus[];
      search: string;
      limit: number;
      cursor: string;
    }>().toExtend<ListInput>();
    expectTypeOf<{ colour: string }>().not.toExtend<NonNullable<ListInput>>();
  });

  it('types each command payload by its command type', () => {
    type Command = RouterInputs['commands']['send']['command'];
    expectTypeOf<Command['type']>().toEqualTypeOf<CommandType>();
    expectTypeOf<{ type: 'lock'; payload: { message: string } }>().toExtend<Command>();
    expectTypeOf<{ type: 'setVolume'; payload: { level: number } }>().toExtend<Command>();
    expectTypeOf<{ type: 'setVolume'; payload: { level: string } }>().not.toExtend<Command>();
    expectTypeOf<Extract<Command, { type: 'lock' }>>().not.toHaveProperty('createdBy');
    expectTypeOf<Extract<Command, { type: 'lock' }>>().not.toHaveProperty('batchId');
  });

  it('targets bulk operations by ids, filter or all', () => {
    type Target = RouterInputs['bulk']['sendCommand']['target'];
    expectTypeOf<{ ids: string[] }>().toExtend<Target>();
    expectTypeOf<{ filter: { model: string[] } }>().toExtend<Target>();
    expectTypeOf<{ all: true }>().toExtend<Target>();
    expectTypeOf<{ all: false }>().not.toExtend<Target>();
  });

  it('never takes a tenant or an author from the client', () => {
    expectTypeOf<RouterInputs['policies']['create']>().not.toHaveProperty('tenantId');
    expectTypeOf<RouterInputs['policies']['create']>().not.toHaveProperty('createdBy');
    expectTypeOf<RouterInputs['groups']['create']>().not.toHaveProperty('tenantId');
    expectTypeOf<RouterInputs['apps']['register']>().not.toHaveProperty('tenantId');
  });
});

describe('RouterOutputs', () => {
  it('keeps dates as Date and pages in one shape', () => {
    type Page = RouterOutputs['devices']['list'];
    expectTypeOf<Page['nextCursor']>().toEqualTypeOf<string | null>();
    expectTypeOf<Page['items'][number]['lastSeenAt']>().toEqualTypeOf<Date | null>();
    expectTypeOf<RouterOutputs['commands']['list']['items'][number]['createdAt']>().toEqualTypeOf<Date>();
  });

  it('returns the device with its policy state', () => {
    type Got = RouterOutputs['devices']['get'];
    expectTypeOf<Got['policy']['compliance']>().toEqualTypeOf<
      'compliant' | 'outdated' | 'unknown' | 'noPolicy'
    >();
    expectTypeOf<Got['policy']['source']>().toEqualTypeOf<'device' | 'group' | 'default' | 'none'>();
    expectTypeOf<Got['device']>().not.toHaveProperty('pushToken');
  });

  it('streams tracked events and batch progress', () => {
    type Yield<T> = T extends AsyncIterable<infer Y> ? Y : never;
    expectTypeOf<Yield<RouterOutputs['events']['stream']>>().toEqualTypeOf<{
      id: string;
      data: EventOutput;
    }>();
    expectTypeOf<Yield<RouterOutputs['bulk']['watch']>['done']>().toEqualTypeOf<boolean>();
    expectTypeOf<RouterOutputs['bulk']['sendCommand']>().toEqualTypeOf<{
      batchId: string;
      targeted: number;
      accepted: number;
      rejected: number;
      rejections: { deviceId: string; code: string; message: string }[];
    }>();
  });
});
