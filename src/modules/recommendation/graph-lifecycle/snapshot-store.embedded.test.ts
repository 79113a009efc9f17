import { describe } from 'bun:test';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { recommendationMigrationsFolder } from '../module';
import { snapshotStoreContract } from './snapshot-store.contract';

describe('graph snapshot store on PGlite', () => {
  snapshotStoreContract(() => openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' }));
});
