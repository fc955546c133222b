import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createMDM, type Logger, type MDMInstance, postgresAdapter } from '@openmdm/sdk';
import { createHostApp, type HostAppOptions } from './host-app.js';

export interface HostServerOptions {
  port?: number;
  /** Postgres connection string; the embedded database when absent. */
  databaseUrl?: string;
  /** Persist the embedded database here (in memory when absent). */
  dataDir?: string;
  deviceSecret?: string;
  deviceTokenSecret?: string;
  logger?: Logger;
  enrollRateLimit?: HostAppOptions['enrollRateLimit'];
  /** Called as start-up progresses, for a friendly console. */
  onProgress?: (step: string) => void;
}

export interface HostServer {
  mdm: MDMInstance;
  url: string;
  /** Base URL the agents are provisioned with. */
  agentUrl: string;
  apk: { sha256: string; packageName: string; url: string };
  close(): Promise<void>;
}

export async function startHostServer(options: HostServerOptions = {}): Promise<HostServer> {
  const progress = options.onProgress ?? (() => {});
  progress(options.databaseUrl ? 'connecting to Postgres' : 'starting the embedded database (PGlite)');
  const mdm = createMDM({
    ...(options.databaseUrl ? { database: postgresAdapter(options.databaseUrl) } : {}),
    ...(options.dataDir ? { embedded: { dataDir: options.dataDir } } : {}),
    enrollment: { deviceSecret: options.deviceSecret ?? 'change-me-in-production' },
    auth: { deviceTokenSecret: options.deviceTokenSecret ?? 'example-host-device-token-secret-change-me' },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  progress('applying migrations');
  await mdm.ready();
  const { app, apk } = createHostApp({
    mdm,
    ...(options.enrollRateLimit !== undefined ? { enrollRateLimit: options.enrollRateLimit } : {}),
  });
  progress('starting the HTTP server');
  const server = serve({ fetch: app.fetch, port: options.port ?? 3000, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    mdm,
    url,
    agentUrl: `${url}/mdm`,
    apk: { sha256: apk.sha256, packageName: apk.packageName, url: `${url}/files/demo.apk` },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mdm.close();
    },
  };
}
