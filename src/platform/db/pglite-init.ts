import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Creates the cluster of a new data directory with a PGlite of its own, closed straight away, so
 * the database a module keeps is always opened on an existing directory, as on every later start.
 *
 * PGlite runs initdb inside the instance being opened, with a second postgres instance and
 * initdb's own WebAssembly beside it. Their garbage is collected, but part of the memory it took
 * stays resident around the instance that remains: the all-in-one's first start settled at 289 to
 * 303 MB, against ~257 MB for the same process restarted. Initialised apart, with the garbage
 * collected before the real open, it settles at ~280 MB, run after run. The price is one more open
 * and close per database, on first start only.
 */
export async function initDataDirIfNew(dataDir: string, options: PGliteOptions): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return; // PGlite's own test for an existing cluster
  // Data checksums, so a damaged page fails its read instead of being served as garbage. PGlite's
  // PostgreSQL 18 makes them by default; asked for anyway, so a change of default cannot drop them.
  const pg = new PGlite({ ...options, dataDir, initDbStartParams: ['--data-checksums'] });
  await pg.waitReady;
  await pg.close();
  Bun.gc(true); // before the instance that stays is built, not interleaved with it
}
