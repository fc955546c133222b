import type { MDMConfig } from '../config.js';
import { createMDM, type MDMInstance } from '../create-mdm.js';
import { createTestDatabase, type TestDatabase, type TestDriver } from './test-database.js';

export interface TestMDM {
  mdm: MDMInstance;
  database: TestDatabase;
  cleanup(): Promise<void>;
}

export const testSecrets = {
  deviceSecret: 'test-device-secret',
  deviceTokenSecret: 'test-device-token-secret-0123456789abcdef',
} as const;

/** An MDM instance on a fresh, migrated database of the given driver. */
export async function createTestMDM(
  driver: TestDriver,
  config: Omit<MDMConfig, 'database'> = {},
): Promise<TestMDM> {
  const database = await createTestDatabase(driver);
  const mdm = createMDM({
    enrollment: { deviceSecret: testSecrets.deviceSecret },
    auth: { deviceTokenSecret: testSecrets.deviceTokenSecret },
    ...config,
    database: database.adapter,
  });
  await mdm.ready();
  return {
    mdm,
    database,
    async cleanup() {
      await mdm.close();
      await database.drop();
    },
  };
}
