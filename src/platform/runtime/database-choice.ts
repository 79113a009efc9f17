import { join } from 'node:path';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { rootMessage, StoreUnusableError, withoutPassword } from '../db/store-error';
import type { Logger } from '../log';

export type StoreOwner = keyof Config['databaseUrls'];

/** PostgreSQL when the module's `*_DATABASE_URL` is set, otherwise PGlite under DATA_DIR. */
export async function openModuleDatabase(config: Config, owner: StoreOwner, migrationsFolder: string, log: Logger): Promise<Database> {
  const url = config.databaseUrls[owner];
  // A failure names the module and where its data live: a process opens up to three databases.
  try {
    // Only the chosen engine's driver is loaded: PGlite's code alone keeps ~10 MB resident in a
    // process that never opens it.
    if (url) {
      const { openPostgresDatabase } = await import('../db/postgres');
      return await openPostgresDatabase({ url, migrationsFolder, poolSize: config.databasePoolSize, connectTimeoutMs: config.databaseConnectTimeoutMs, sslCa: config.databaseSslCa, log });
    }
    const { openEmbeddedDatabase } = await import('../db/embedded');
    return await openEmbeddedDatabase({ dataDir: join(config.dataDir, owner), migrationsFolder, label: `${owner} data directory` });
  } catch (error) {
    if (error instanceof StoreUnusableError) throw new StoreUnusableError(`${owner}: ${error.message}`, { cause: error.cause });
    if (!url) throw error; // the data-dir lock's own clear message
    throw new StoreUnusableError(`${owner}: cannot open the database at ${withoutPassword(url)}: ${rootMessage(error)}`, { cause: error });
  }
}
