import { PGlite } from '@electric-sql/pglite';

/**
 * Postgres start parameters of every embedded database: PGlite's own, whole (a `startParams`
 * option replaces them rather than adding to them, and they carry PGlite's fsync, search_path and
 * single-process settings), then ours. A `-c` overrides postgresql.conf, so directories created
 * before this get it too, and the file stays as initdb wrote it.
 *
 * shared_buffers=16MB instead of the 128MB initdb writes into postgresql.conf. PGlite's buffer
 * pool lives in its WebAssembly memory and is all touched when postgres starts: each database held
 * ~150 MB resident from the first second, idle and empty, and the all-in-one's three were two
 * thirds of its ~660 MB. 16MB is 2048 pages, room for a module's working set (the upper levels of
 * its indexes, the tail of its event log); a page that misses is read again from its file, which
 * the OS caches, a system call away. Random reads on a table five times the pool cost the same
 * CPU, within noise, as with 128MB, and commands spend their time elsewhere.
 *
 * The pool size has no effect on durability: a commit is durable once its WAL is written, whatever
 * the pool holds; a smaller pool only writes evicted dirty pages to their files sooner, after their
 * WAL as always. What Postgres sizes from the pool follows it: wal_buffers (a 32nd, 512kB, plenty
 * for a command's transaction), the SLRU caches (16 pages each) and io_max_concurrency.
 *
 * wal_recycle=off: a write-ahead log segment no longer needed is deleted at a checkpoint, not
 * renamed for reuse with its old bytes in it. Data deleted on purpose (an erased user's key, see
 * the user module's key store) thereby leaves every file of the data directory once a checkpoint
 * has passed the segment. wal_init_zero=off: a new segment is created without writing 16 MB of
 * zeros first, which recycling used to spare.
 */
export const PGLITE_START_PARAMS: string[] = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'wal_recycle=off', '-c', 'wal_init_zero=off'];
