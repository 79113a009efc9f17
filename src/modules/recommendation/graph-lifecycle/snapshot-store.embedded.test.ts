import { describe } from 'bun:test';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { recommendationMigrationsFolder } from '../module';
import { snapshotStoreConformance } from '../../../../test/conformance/snapshot-store';

describe('graph snapshot store on PGlite', () => {
  snapshotStoreConformance(() => openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' }));
});
