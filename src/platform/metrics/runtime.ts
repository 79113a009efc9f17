import { readdirSync } from 'node:fs';
import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';

/**
 * Process and runtime metrics that read true under Bun. prom-client's collectDefaultMetrics does
 * not: GC durations never get a sample, most heap-space gauges read 0, nodejs_version_info reports
 * Node's version (v26) instead of Bun's, the active handle/request gauges are empty,
 * nodejs_eventloop_lag_seconds reads 0, and its heap gauges call v8.getHeapStatistics(), which
 * under Bun walks the whole heap (150 ms with 2 M objects, on every scrape). So every metric here
 * is written from a cheap Bun source and checked non-zero by runtime.unit.test.ts.
 *
 * One instance per process; in the all-in-one every module's registry shows the same process.
 * Not exported: GC pauses (Bun offers no GC observer), and the allocator's committed memory
 * (jsc.memoryUsage()), which counts each WebAssembly memory's reservation: gigabytes for PGlite.
 */
export class RuntimeMetrics {
  private readonly metrics: Metric<string>[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  private readonly lag: Histogram;

  constructor(private readonly lagResolutionMs = 100) {
    const add = <M extends Metric<string>>(m: M) => (this.metrics.push(m), m);
    let cpu = { user: 0, system: 0 };
    const cpuSystem = new Counter({ name: 'process_cpu_system_seconds_total', help: 'System CPU time spent, seconds', registers: [] });
    const cpuTotal = new Counter({ name: 'process_cpu_seconds_total', help: 'User and system CPU time spent, seconds', registers: [] });
    // Counters only go up: each scrape adds what was used since the last one, whichever registry asked.
    // Collected through the first of the three, which a registry reads first.
    const readCpu = () => {
      const now = process.cpuUsage();
      const user = (now.user - cpu.user) / 1e6;
      const system = (now.system - cpu.system) / 1e6;
      cpu = now;
      cpuUser.inc(user);
      cpuSystem.inc(system);
      cpuTotal.inc(user + system);
    };
    const cpuUser = add(new Counter({ name: 'process_cpu_user_seconds_total', help: 'User CPU time spent, seconds', registers: [], collect: readCpu }));
    add(cpuSystem);
    add(cpuTotal);
    add(gauge('process_resident_memory_bytes', 'Resident memory size, bytes', (g) => g.set(process.memoryUsage.rss())));
    const startedAt = Math.round(Date.now() / 1000 - process.uptime());
    add(gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, seconds', (g) => g.set(startedAt)));
    if (openFds() > 0) add(gauge('process_open_fds', 'Open file descriptors', (g) => g.set(openFds())));
    // process.memoryUsage() is cheap under Bun (jsc.heapStats() and v8.getHeapStatistics() walk the heap).
    add(gauge('bun_heap_used_bytes', 'JavaScriptCore heap in use, bytes', (g) => g.set(process.memoryUsage().heapUsed)));
    add(gauge('bun_heap_external_bytes', 'Memory held outside the JS heap by JS objects (buffers, native objects), bytes', (g) => g.set(process.memoryUsage().external)));
    const info = add(new Gauge({ name: 'bun_info', help: 'Bun runtime version', labelNames: ['version', 'revision'], registers: [] }));
    info.set({ version: Bun.version, revision: Bun.revision.slice(0, 12) }, 1);
    this.lag = add(
      new Histogram({
        name: 'bun_eventloop_lag_seconds',
        help: `How late a ${lagResolutionMs} ms timer fires: time the event loop was busy with other work`,
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        registers: [],
      }),
    );
    this.tick(performance.now() + lagResolutionMs);
  }

  /** Adds these metrics to a module's registry; one set of values, shown in each. */
  registerIn(registry: Registry): void {
    for (const metric of this.metrics) registry.registerMetric(metric);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private tick(due: number) {
    this.timer = setTimeout(() => {
      const now = performance.now();
      this.lag.observe(Math.max(0, now - due) / 1000);
      this.tick(now + this.lagResolutionMs);
    }, this.lagResolutionMs);
    // Measuring must never keep a process alive.
    this.timer.unref();
  }
}

function gauge(name: string, help: string, collect: (g: Gauge) => void): Gauge {
  return new Gauge({ name, help, registers: [], collect() { collect(this); } });
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0; // not Linux: the gauge is left out
  }
}
