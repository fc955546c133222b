import { fileURLToPath } from 'node:url';

/** The committed drizzle-kit output, shipped with the package (`packages/sdk/drizzle`). */
export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

export const migrationsTable = '__openmdm_migrations';
export const migrationsSchema = 'drizzle';
