export { createTestDatabase, type TestDatabase, type TestDriver, testPostgresUrl } from './test-database.js';
export { createTestMDM, type TestMDM, testSecrets } from './test-mdm.js';
