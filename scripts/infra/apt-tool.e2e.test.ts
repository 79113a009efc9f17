import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aptTool } from './apt-tool.ts';

const cacheDir = mkdtempSync(join(tmpdir(), 'apt-tool-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const hasApt = Boolean(Bun.which('apt-get') && Bun.which('dpkg-deb'));

test.skipIf(!hasApt)('wrk and its library come from Debian packages into the cache, run from there, and are fetched once', async () => {
  const lines: string[] = [];
  const wrk = await aptTool('wrk', 'wrk', ['libluajit-5.1-2'], { cacheDir, fetchEverything: true, say: (l) => lines.push(l) });
  expect(wrk.path).toBe(join(cacheDir, 'apt/wrk/usr/bin/wrk'));
  expect(lines).toEqual([expect.stringContaining('fetching wrk, libluajit-5.1-2')]);
  const env = { ...process.env, ...wrk.env };
  const version = Bun.spawnSync([wrk.path, '-v'], { env });
  expect(version.stdout.toString()).toStartWith('wrk ');
  // The unpacked LuaJIT is the one the binary loads: no root, no system-wide install needed.
  const ldd = Bun.spawnSync(['ldd', wrk.path], { env }).stdout.toString();
  expect(ldd).toContain(join(cacheDir, 'apt/wrk'));
  expect(ldd).not.toContain('not found');

  const again = await aptTool('wrk', 'wrk', ['libluajit-5.1-2'], { cacheDir, fetchEverything: true, say: (l) => lines.push(l) });
  expect(again).toEqual(wrk);
  expect(lines).toHaveLength(1);
}, 300_000);
