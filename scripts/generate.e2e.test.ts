import { afterAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { startSystem, systemEnv, type System } from '../test/harness/all-in-one';
import { tempDir } from '../test/kits/processes';

/** The generator against the real system: every request answered, every friendship visible. */
let system: System | undefined;
afterAll(() => system?.process.proc.kill('SIGKILL'));

test('fills the real all-in-one with no 5xx, and what it reports is what the API holds', async () => {
  system = await startSystem(systemEnv(tempDir('generate-')));
  const proc = Bun.spawn(['bun', join(import.meta.dir, 'generate.ts'), '--users', '40', '--friendships', '120', '--concurrency', '8', '--seed', '7', '--url', system.gateway], {
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  expect(code).toBe(0);
  const created = [...out.matchAll(/created\s+(\d+)/g)].map((m) => Number(m[1]));
  expect(created[0]).toBe(40);
  expect(out).toContain('network errors  0');
  expect(out).toContain('recommended');

  // Each friendship appears in both users' lists, so the lists add up to twice the count created.
  let listed = 0;
  for (let id = 1; id <= 40; id++) listed += (await system.api('GET', `/friend/v1/users/${id}/friends?limit=1000`)).body.length;
  expect(listed).toBe(2 * created[1]!);
});
