/**
 * The fallback load generator when wrk is not installed: `concurrency` keep-alive fetch loops on
 * one URL for `seconds`. About half as fast as wrk on this machine (it costs the server CPU on a
 * 2-core box), so figures from the two tools are not comparable; the bench records which it used.
 *
 *   bun bench/workers/http-client.ts URL CONCURRENCY SECONDS
 */
import { Samples } from '../../scripts/load-lib/percentiles';

const [url, concurrency, seconds] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const samples = new Samples();
let errors = 0;
const started = performance.now();
const end = started + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const response = await fetch(url);
        await response.arrayBuffer();
        if (response.status >= 400) errors++;
        samples.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  }),
);
const s = samples.summary();
console.log(JSON.stringify({ requests: s.count, seconds: (performance.now() - started) / 1000, p50Ms: s.p50, p99Ms: s.p99, maxMs: s.max, errors }));
