export { type RecordedPush, RecordingPushAdapter } from './recording-push-adapter.js';
export { createTestDatabase, type TestDatabase, type TestDriver, testPostgresUrl } from './test-database.js';
export { createTestMDM, type TestMDM, testSecrets } from './test-mdm.js';
