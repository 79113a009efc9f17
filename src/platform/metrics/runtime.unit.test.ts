import { afterAll, expect, test } from 'bun:test';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { parseExposition } from './exposition';
import { RuntimeMetrics } from './runtime';

const runtime = new RuntimeMetrics(10);
afterAll(() => runtime.stop());

/** Each exported runtime metric must show a real (non-zero) value under Bun, not a Node default. */
test('every runtime metric reads a non-zero value under Bun', async () => {
  // Work for the CPU counters (system time needs system calls) and the event-loop timer.
  const file = join(tmpdir(), `runtime-metrics-${process.pid}`);
  for (let i = 0; i < 2_000; i++) writeFileSync(file, 'x'.repeat(1_000));
  rmSync(file);
  const busyUntil = performance.now() + 30;
  while (performance.now() < busyUntil);
  await Bun.sleep(50);

  const registry = new Registry();
  runtime.registerIn(registry);
  const samples = parseExposition(await registry.metrics());
  const families = new Set(samples.map((s) => s.name.replace(/_(bucket|sum|count)$/, '')));
  expect([...families].sort()).toEqual(
    [
      'bun_eventloop_lag_seconds',
      'bun_heap_external_bytes',
      'bun_heap_used_bytes',
      'bun_info',
      'process_cpu_seconds_total',
      'process_cpu_system_seconds_total',
      'process_cpu_user_seconds_total',
      'process_open_fds',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
    ].sort(),
  );
  const zero = samples.filter((s) => !s.name.endsWith('_bucket') && !(s.value > 0));
  expect(zero).toEqual([]);
  expect(samples.find((s) => s.name === 'bun_info')!.labels.version).toBe(Bun.version);
  // The timer fired late at least by the 30 ms busy loop.
  expect(samples.find((s) => s.name === 'bun_eventloop_lag_seconds_sum')!.value).toBeGreaterThan(0.02);
});

test('CPU counters only go up, also when two registries are scraped', async () => {
  const a = new Registry();
  const b = new Registry();
  runtime.registerIn(a);
  runtime.registerIn(b);
  const cpu = async (r: Registry) => parseExposition(await r.metrics()).find((s) => s.name === 'process_cpu_seconds_total')!.value;
  const first = await cpu(a);
  let x = 0;
  for (let i = 0; i < 1e6; i++) x += i;
  expect(x).toBeGreaterThan(0);
  expect(await cpu(b)).toBeGreaterThanOrEqual(first);
  expect(await cpu(a)).toBeGreaterThanOrEqual(first);
});
