import { createTestMDM, type TestMDM } from '@openmdm/sdk/testing';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStandaloneMDMRouter, type StandaloneMDMRouter } from './standalone.js';

let t: TestMDM;
let standalone: ReturnType<typeof createStandaloneMDMRouter>;

beforeAll(async () => {
  t = await createTestMDM('postgres');
  standalone = createStandaloneMDMRouter({
    mdm: t.mdm,
    transformer: superjson,
    endpoint: '/api/mdm',
    getActor: (request) => {
      const token = request.headers.get('authorization');
      return token === 'Bearer admin' ? { id: 'root', roles: ['admin'] } : null;
    },
  });
});

afterAll(async () => {
  await t?.cleanup();
});

function client(token?: string) {
  return createTRPCClient<StandaloneMDMRouter>({
    links: [
      httpBatchLink({
        url: 'http://host.test/api/mdm',
        transformer: superjson,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        fetch: (url, init) => standalone.fetch(new Request(url, init as RequestInit)),
      }),
    ],
  });
}

it('serves the router through a fetch handler for hosts without tRPC', async () => {
  const device = await t.mdm.devices.create({ model: 'Pixel 7' });
  const page = await client('admin').devices.list.query();
  expect(page.items.map((d) => d.id)).toEqual([device.id]);
  expect(page.items[0]!.createdAt).toBeInstanceOf(Date);

  const anonymous = await client()
    .devices.list.query()
    .catch((e: unknown) => e as TRPCClientError<StandaloneMDMRouter>);
  expect(anonymous).toBeInstanceOf(TRPCClientError);
  expect((anonymous as TRPCClientError<StandaloneMDMRouter>).data?.code).toBe('UNAUTHORIZED');

  const missing = await client('admin')
    .devices.block.mutate({ id: 'dev_missing' })
    .catch((e: unknown) => e as TRPCClientError<StandaloneMDMRouter>);
  expect((missing as TRPCClientError<StandaloneMDMRouter>).data?.mdm).toMatchObject({
    mdmCode: 'NOT_FOUND',
    details: { entity: 'device', id: 'dev_missing' },
  });
});
