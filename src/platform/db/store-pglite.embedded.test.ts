import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { openEmbeddedDatabase } from './embedded';
import { storeContract } from '../../../test/conformance/event-store';

storeContract('PGlite', async () => {
  const migrationsFolder = eventStoreMigrations();
  return { database: await openEmbeddedDatabase({ migrationsFolder, label: 'contract' }), migrationsFolder };
});
