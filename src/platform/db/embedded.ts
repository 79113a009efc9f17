import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { drizzle } from 'drizzle-orm/pglite';
import { ping, type Database, type Db } from './database';
import { lockDataDir } from './data-dir-lock';
import { migrate } from './migrate';
import { pgliteAssets } from './pglite-assets';
import { initDataDirIfNew, newClusterImage } from './pglite-init';
import { PGLITE_START_PARAMS } from './pglite-settings';
import { withSharedParsers } from './pglite-shared-parsers';
import { rootMessage, StoreUnusableError } from './store-error';

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
    const client = await openPglite(options.dataDir, pgOptions);
    const db = drizzle({ client: withSharedParsers(client) }) as unknown as Db;
    const listeners = new Map<string, (() => void)[]>();
    try {
      await migrate(db, options.migrationsFolder);
    } catch (error) {
      await client.close().catch(() => {});
      throw unusable(options.dataDir, error);
    }
    return {
      db,
      ownedByThisProcess: true,
      location: options.dataDir ?? 'memory',
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

/**
 * PGlite's own errors name no directory ("PGlite failed to initialize properly" for a garbled
 * pg_control), and a process opening three of them could not tell which one failed.
 */
async function openPglite(dataDir: string | undefined, pgOptions: PGliteOptions): Promise<PGlite> {
  try {
    if (dataDir) await initDataDirIfNew(dataDir, pgOptions);
    const where = dataDir ? { dataDir } : { loadDataDir: await newClusterImage(pgOptions) };
    const client = new PGlite({ ...where, ...pgOptions });
    await client.waitReady;
    return client;
  } catch (error) {
    throw unusable(dataDir, error);
  }
}

function unusable(dataDir: string | undefined, error: unknown): StoreUnusableError {
  return new StoreUnusableError(
    `cannot open the embedded database in ${dataDir ?? 'memory'}: ${rootMessage(error)} ` +
      '(is the directory damaged? restore it from a backup, or move it aside to start with an empty one)',
    { cause: error },
  );
}
