import { expect, test } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, lockDataDir } from './data-dir-lock';

test('a second lock on the same data directory fails with a clear message until the first is released', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'lock-')), 'nested', 'user.lock');
  const first = lockDataDir(path, 'user data directory');
  expect(() => lockDataDir(path, 'user data directory')).toThrow(DataDirInUseError);
  expect(() => lockDataDir(path, 'user data directory')).toThrow(`in use by another process (pid ${process.pid})`);
  first.release();
  const again = lockDataDir(path, 'user data directory');
  again.release();
});
