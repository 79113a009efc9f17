import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { drizzle } from 'drizzle-orm/pglite';
import { ping, type Database, type Db } from './database';
import { lockDataDir } from './data-dir-lock';
import { migrate } from './migrate';
import { pgliteAssets } from './pglite-assets';
import { initDataDirIfNew } from './pglite-init';
import { PGLITE_START_PARAMS } from './pglite-settings';
import { withSharedParsers } from './pglite-shared-parsers';

export interface EmbeddedOptions {
  /** Directory for this module's data; omitted means in memory (tests). */
  dataDir?: string;
  migrationsFolder: string;
  /** Human name used in the lock error, e.g. "user data directory". */
  label: string;
}

/** Opens PGlite for one module: lock first, then create the cluster if new, open, migrate. */
export async function openEmbeddedDatabase(options: EmbeddedOptions): Promise<Database> {
  const lock = options.dataDir ? lockDataDir(`${options.dataDir}.lock`, options.label) : undefined;
  try {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    // Assets passed explicitly so a compiled binary does not look for them beside itself.
    const pgOptions = { ...(await pgliteAssets()), startParams: PGLITE_START_PARAMS };
    if (options.dataDir) await initDataDirIfNew(options.dataDir, pgOptions);
    const client = new PGlite({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...pgOptions });
    await client.waitReady;
    const db = drizzle({ client: withSharedParsers(client) }) as unknown as Db;
    const listeners = new Map<string, (() => void)[]>();
    await migrate(db, options.migrationsFolder);
    return {
      db,
      ownedByThisProcess: true,
      ping: () => ping(db),
      // One process owns an embedded database (the data-dir lock), so it holds every claim and
      // notifications never need to leave it.
      claim: async () => ({ stillHeld: async () => true, release: async () => {} }),
      notify: async (channel) => listeners.get(channel)?.forEach((fn) => fn()),
      listen: async (channel, fn) => void listeners.set(channel, [...(listeners.get(channel) ?? []), fn]),
      async close() {
        await client.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
