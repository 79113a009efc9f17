import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Data checksums, so a damaged page fails its read instead of being served as garbage. PGlite's
// PostgreSQL 18 makes them by default; asked for anyway, so a change of default cannot drop them.
const INITDB_PARAMS = ['--data-checksums'];

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
 *
 * A new cluster holds the same bytes whatever directory it is made for, and initdb is the slow
 * part of a first start (2 to 4 s a database on two busy cores, against well under a second to
 * copy its 39 MB). So a process runs initdb once, into a temporary directory of its own, and each
 * new data directory is a copy of that cluster: the all-in-one's first start makes one cluster
 * instead of three. Where no temporary directory can be written, each is made in place. The
 * directory goes at exit; a process that could not say goodbye (killed, or a test runner that
 * exits without the event) leaves it to the next process that makes one.
 */
export async function initDataDirIfNew(dataDir: string, options: PGliteOptions): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return; // PGlite's own test for an existing cluster
  // A temporary directory that cannot hold a cluster (full, say) is no reason to fail: made in place then.
  const template = await newCluster(options).catch(() => undefined);
  if (template) cpSync(template, dataDir, { recursive: true });
  else await initdb(dataDir, options);
}

/** Making, or made: the directory of this process's new cluster; undefined where none can be written. */
let making: Promise<string | undefined> | undefined;

async function newCluster(options: PGliteOptions): Promise<string | undefined> {
  if (making) {
    const dir = await making.catch(() => null); // null: that attempt failed, and another is made
    if (dir === undefined) return undefined;
    if (dir !== null && existsSync(join(dir, 'PG_VERSION'))) return dir;
  }
  // None yet, the last one failed, or something removed it (a test cleaning its temporary files).
  making = remake(options);
  return making;
}

const PREFIX = 'pglite-new-cluster-';

async function remake(options: PGliteOptions): Promise<string | undefined> {
  removeLeftovers();
  let parent: string;
  try {
    parent = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  } catch {
    return undefined;
  }
  process.once('exit', () => rmSync(parent, { recursive: true, force: true }));
  const dir = join(parent, 'cluster');
  await initdb(dir, options);
  return dir;
}

/** Making, or made: this process's new cluster as an image PGlite loads into memory; undefined if that failed. */
let image: Promise<Blob | undefined> | undefined;

/**
 * For a database held in memory (tests): the same idea as the data directories above. Such an
 * instance runs initdb itself (about a second each), and test processes open hundreds; loading an
 * image of one new cluster takes about 0.15 s. Undefined if it cannot be made: initdb then.
 */
export function newClusterImage(options: PGliteOptions): Promise<Blob | undefined> {
  image ??= (async () => {
    const pg = new PGlite({ ...options, initDbStartParams: INITDB_PARAMS });
    try {
      await pg.waitReady;
      return await pg.dumpDataDir('none');
    } finally {
      await pg.close();
    }
  })().catch(() => undefined);
  return image;
}

async function initdb(dataDir: string, options: PGliteOptions): Promise<void> {
  const pg = new PGlite({ ...options, dataDir, initDbStartParams: INITDB_PARAMS });
  await pg.waitReady;
  await pg.close();
  Bun.gc(true); // before the instance that stays is built, not interleaved with it
}

/** The directories of processes that are gone, this user's only (the name says whose process made it). */
function removeLeftovers(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.startsWith(PREFIX) ? name.slice(PREFIX.length).split('-')[0] : NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    const path = join(tmpdir(), name);
    try {
      if (statSync(path).uid === process.getuid?.()) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or not ours to remove.
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // running, as another user
  }
}
