import { startHostServer } from './start-server.js';

const server = await startHostServer({
  port: Number(process.env.PORT ?? 3000),
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(process.env.OPENMDM_DATA_DIR ? { dataDir: process.env.OPENMDM_DATA_DIR } : {}),
  onProgress: (step) => console.log(`… ${step}`),
});
console.log(`OpenMDM host listening on ${server.url}; agents use ${server.agentUrl}`);
process.once('SIGINT', () => void server.close().then(() => process.exit(0)));
