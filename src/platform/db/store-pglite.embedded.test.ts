import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { openEmbeddedDatabase } from './embedded';
import { eventStoreConformance } from '../../../test/conformance/event-store';

eventStoreConformance('PGlite', async () => {
  const migrationsFolder = eventStoreMigrations();
  return { database: await openEmbeddedDatabase({ migrationsFolder, label: 'contract' }), migrationsFolder };
});
