import { importMasterKey } from '../../src/modules/user/personal-data/master-key';

/** One fixed master key for tests: modules built on the same database in one test must open each other's keys. */
export const TEST_MASTER_KEY_TEXT = Buffer.alloc(32, 7).toString('base64');
export const testMasterKey = importMasterKey(TEST_MASTER_KEY_TEXT);
