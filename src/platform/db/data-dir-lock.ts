import { dlopen, FFIType } from 'bun:ffi';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An exclusive, kernel-held lock on a data directory.
 *
 * PGlite takes no lock of its own: two processes on one directory silently lose writes. We use
 * flock(2) rather than a PID file because the kernel drops the lock when the process dies, even on
 * SIGKILL, so a crash never leaves a stale lock behind and there is no PID-reuse race.
 */
export class DataDirInUseError extends Error {}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

let flock: ((fd: number, op: number) => number) | undefined;

function loadFlock(): (fd: number, op: number) => number {
  if (flock) return flock;
  const libc = process.platform === 'darwin' ? 'libc.dylib' : 'libc.so.6';
  const lib = dlopen(libc, { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });
  flock = (fd, op) => lib.symbols.flock(fd, op);
  return flock;
}

export function lockDataDir(lockPath: string, what: string): DataDirLock {
  mkdirSync(dirname(lockPath), { recursive: true });
  const fd = openSync(lockPath, 'a+');
  if (loadFlock()(fd, LOCK_EX | LOCK_NB) !== 0) {
    const holder = readFileSync(lockPath, 'utf8').trim();
    closeSync(fd);
    throw new DataDirInUseError(
      `${what} is in use by another process${holder ? ` (pid ${holder})` : ''}: ${lockPath}. ` +
        'Stop that process or choose another DATA_DIR.',
    );
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`);
  let released = false;
  return {
    path: lockPath,
    release() {
      if (released) return;
      released = true;
      ftruncateSync(fd, 0);
      loadFlock()(fd, LOCK_UN);
      closeSync(fd);
    },
  };
}
