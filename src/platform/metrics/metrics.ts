import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import { LabelledHistogram } from './histogram';
import type { RuntimeMetrics } from './runtime';
import { noSpans, type SpanSink } from '../tracing/spans';

/** Latency buckets (seconds) for requests and event handling: 1 ms to 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Lag buckets (seconds) from an event's occurrence to its projection: 1 ms to 5 min. */
export const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

type Labels<L extends string> = readonly L[];

/**
 * The metrics of one module, served on its `/metrics`. Created by the entrypoint and passed in, so
 * tests make their own and nothing is global. Every sample carries `service` (the module), which
 * keeps dashboards right however the scrape is configured; the all-in-one gives each module its
 * own instance (one port each, so nothing is counted twice) sharing one process's runtime metrics.
 *
 * Families are created on first use and shared by name: the HTTP app, the relay and the consumers
 * each ask for theirs without knowing about one another.
 */
export class Metrics {
  readonly registry = new Registry();
  /**
   * The module's span export rides along: everything that measures (HTTP observer, command
   * handler, relay, consumers) is already handed this object, and spans are measurements too.
   */
  readonly spans: SpanSink;

  constructor(options: { service?: string; runtime?: RuntimeMetrics; spans?: SpanSink } = {}) {
    this.spans = options.spans ?? noSpans;
    if (options.service) this.registry.setDefaultLabels({ service: options.service });
    options.runtime?.registerIn(this.registry);
  }

  counter<L extends string>(name: string, help: string, labelNames: Labels<L> = []): Counter<L> {
    return this.getOrCreate(name, labelNames, () => new Counter({ name, help, labelNames, registers: [this.registry] }));
  }

  /**
   * `collect` runs on every scrape: the place for a count query or a look at a list's length. If it
   * fails (a database down), the gauge keeps its last value rather than failing the whole scrape.
   */
  gauge<L extends string>(name: string, help: string, labelNames: Labels<L> = [], collect?: (gauge: Gauge<L>) => Promise<void> | void): Gauge<L> {
    return this.getOrCreate(name, labelNames, () => {
      const options = { name, help, labelNames, registers: [this.registry] };
      if (!collect) return new Gauge<L>(options);
      return new Gauge<L>({
        ...options,
        async collect() {
          try {
            await collect(this);
          } catch {
            // keep the last value; the failure itself shows in health and logs
          }
        },
      });
    });
  }

  /** Observed on hot paths, so not prom-client's histogram (see histogram.ts); exported the same way. */
  histogram<L extends string>(name: string, help: string, labelNames: Labels<L> = [], buckets = LATENCY_BUCKETS): LabelledHistogram<L> {
    return this.getOrCreate(name, labelNames, () => {
      const histogram = new LabelledHistogram(name, help, labelNames, buckets);
      this.registry.registerMetric(histogram as unknown as Metric<string>);
      return histogram;
    });
  }

  /** The Prometheus text exposition of everything registered. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private getOrCreate<M extends object>(name: string, labelNames: readonly string[], create: () => M): M {
    const existing = this.registry.getSingleMetric(name) as (M & { labelNames?: readonly string[] }) | undefined;
    if (!existing) return create();
    const had = existing.labelNames ?? [];
    if (had.join() !== labelNames.join()) throw new Error(`metric ${name} already exists with labels [${had}], not [${labelNames}]`);
    return existing;
  }
}
