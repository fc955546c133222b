export type { DatabaseAdapter, MDMDatabase, MDMExecutor, MDMTransaction } from '../adapter.js';
export * as schema from '../schema/index.js';
export { drizzleAdapter } from './drizzle-adapter.js';
export { migrationsFolder } from './migrations-folder.js';
export { nodePostgresAdapter, postgresAdapter } from './node-postgres.js';
export { pgliteAdapter, pgliteClientAdapter } from './pglite.js';
