import { eventStoreMigrations } from '../testing/event-store-migrations';
import { openEmbeddedDatabase } from './embedded';
import { storeContract } from './store.contract';

storeContract('PGlite', async () => {
  const migrationsFolder = eventStoreMigrations();
  return { database: await openEmbeddedDatabase({ migrationsFolder, label: 'contract' }), migrationsFolder };
});
