import { openEmbeddedDatabase } from '../db/embedded';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { groupCommitContract } from '../../../test/conformance/group-commit';

// PGlite is one process's database: the second "instance" is another runner on the same handle.
groupCommitContract('PGlite', async () => {
  const database = await openEmbeddedDatabase({ migrationsFolder: eventStoreMigrations(), label: 'group commit test' });
  return { first: database, second: database, close: () => database.close() };
});
