import { openEmbeddedDatabase } from '../db/embedded';
import { eventStoreMigrations } from '../testing/event-store-migrations';
import { groupCommitContract } from './group-commit.contract';

// PGlite is one process's database: the second "instance" is another runner on the same handle.
groupCommitContract('PGlite', async () => {
  const database = await openEmbeddedDatabase({ migrationsFolder: eventStoreMigrations(), label: 'group commit test' });
  return { first: database, second: database, close: () => database.close() };
});
