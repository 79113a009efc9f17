import { Samples } from '../../scripts/load-lib/percentiles';

/**
 * Latency of `calls` sequential calls, in ms; the first `warmUp` calls (not timed) let the JIT
 * and the engine's caches settle.
 */
export async function callLatency(calls: number, call: (i: number) => Promise<unknown>, warmUp: number) {
  for (let i = 0; i < warmUp; i++) await call(i);
  const samples = new Samples();
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await call(i);
    samples.push(performance.now() - start);
  }
  return samples.summary();
}
