import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminRouter } from '../src/admin-router.js';
import { type HostServer, startHostServer } from '../src/start-server.js';

function client(server: HostServer, token?: string) {
  return createTRPCClient<AdminRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        transformer: superjson,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }),
    ],
  });
}

describe('the host app merges the MDM admin router into its own tRPC app', () => {
  let server: HostServer;

  beforeAll(async () => {
    server = await startHostServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('answers its own procedures and the MDM ones side by side', async () => {
    const admin = client(server, 'demo-admin');
    expect(await admin.health.query()).toEqual({ ok: true });
    const policy = await admin.mdm.policies.create.mutate({
      name: 'Front desk',
      settings: { kioskMode: true },
    });
    expect(policy.version).toBe(1);
    const device = await server.mdm.devices.create({ model: 'Pixel 7' });
    const page = await admin.mdm.devices.list.query({ limit: 10 });
    expect(page.items.map((d) => d.id)).toContain(device.id);
    await admin.mdm.commands.send.mutate({ deviceId: device.id, command: { type: 'lock' } });
  });

  it("keeps the host's login: no token is UNAUTHORIZED, a viewer cannot send commands", async () => {
    await expect(client(server).mdm.devices.list.query({})).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    const device = await server.mdm.devices.create({ model: 'Pixel 8' });
    const error = await client(server, 'demo-viewer')
      .mdm.commands.send.mutate({ deviceId: device.id, command: { type: 'reboot' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AdminRouter>).data?.code).toBe('FORBIDDEN');
  });
});
