import { expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Smoke test: the quick bench runs end to end on real processes and writes what it promises.
// Figures are not asserted (they depend on the machine); only that they exist and make sense.

/** `bun run bench -- --quick --only <suites>`: its exit code must be 0; its output and JSON. */
async function quickBench(suites: string) {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-')), 'results.json');
  const proc = Bun.spawn(['bun', join(import.meta.dir, 'run.ts'), '--quick', '--only', suites, '--out', out], { stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  expect(await proc.exited, stderr).toBe(0);
  return { stdout, stderr, results: JSON.parse(readFileSync(out, 'utf8')) };
}

test('bun run bench -- --quick (graph and http) prints the table and writes JSON and a report', async () => {
  const { stdout, results } = await quickBench('graph,http');
  for (const key of ['rawBunRps', 'directRps', 'gatewayRps', 'gatewayToDirect', 'elysiaToRaw', 'gatewayAddedP50Ms', 'gatewayAddedP99Ms']) expect(typeof results.http[key]).toBe('number');
  expect(results.http.rawBunRps).toBeGreaterThan(0);
  expect(results.recommendation.users).toBe(5000);
  expect(results.recommendation.memory.p99Ms).toBeGreaterThan(0);
  expect(results.recommendation.memory.bytesPerEdge).toBeGreaterThan(8);
  expect(results.recommendation.scale.map((s: { users: number }) => s.users)).toEqual([1000, 5000]);

  expect(stdout).toMatch(/HTTP gateway, all-in-one .* (met|NOT MET)/);
  const report = /report (\S+report\.md)/.exec(stdout)![1]!;
  expect(readFileSync(report, 'utf8')).toContain('| figure | value |');
  expect(existsSync(join(report, '../ratios.svg'))).toBe(true);
}, 120_000);

test('bun run bench -- --quick (consistency and projection) reports token waits, asOf latency and the rebuild rate', async () => {
  const { stdout, stderr, results } = await quickBench('consistency,projection');
  const reads = results.consistency.allInOne;
  expect(reads.reads).toBe(50);
  expect(reads.stale).toBe(0);
  expect(reads.waited).toBeLessThanOrEqual(reads.reads);
  expect(reads.waitP99Ms).toBeGreaterThanOrEqual(reads.waitP50Ms);
  expect(results.asOf.events).toBe(13_000);
  expect(results.asOf.p99Ms).toBeGreaterThan(0);
  expect(results.projection.events).toBe(13_000);
  expect(results.projection.rebuildEventsPerSec).toBeGreaterThan(0);
  expect(stderr).toContain('writing the log:'); // progress while the log is written
  expect(stdout).toMatch(/consistent read wait p50, all-in-one .* reads waited/);
  expect(stdout).toMatch(/projection rebuild, memory graph from PGlite log/);
}, 180_000);
