import { join } from 'node:path';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { openEmbeddedDatabase } from '../db/embedded';
import { openPostgresDatabase } from '../db/postgres';
import type { Logger } from '../log';

export type StoreOwner = keyof Config['databaseUrls'];

/** PostgreSQL when the module's `*_DATABASE_URL` is set, otherwise PGlite under DATA_DIR. */
export function openModuleDatabase(config: Config, owner: StoreOwner, migrationsFolder: string, log: Logger): Promise<Database> {
  const url = config.databaseUrls[owner];
  if (url) return openPostgresDatabase({ url, migrationsFolder, poolSize: config.databasePoolSize, connectTimeoutMs: config.databaseConnectTimeoutMs, log });
  return openEmbeddedDatabase({ dataDir: join(config.dataDir, owner), migrationsFolder, label: `${owner} data directory` });
}
