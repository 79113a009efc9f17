import { withLogFields, type LogFields, type Logger } from '../log';
import { LAG_BUCKETS, type Metrics } from '../metrics/metrics';
import { continueTrace, parseTraceparent } from '../tracing/traceparent';
import type { EventBus, Subscription } from './bus';
import type { EventEnvelope } from './envelope';

export interface ObserveOptions {
  metrics: Metrics;
  log: Logger;
  /** Bounds the lag query of a scrape, so a slow broker cannot hang `/metrics`. */
  lagTimeoutMs?: number;
}

/**
 * Subscribes `subscription` with what every consumer should report, so no consumer writes it:
 * `events_consumed_total{consumer,type}`, `projection_lag_seconds{consumer,topic}` (event occurred
 * -> applied), `dead_letter_events_total{consumer,topic}` and, on a bus with offsets (Kafka),
 * `kafka_consumer_lag{consumer,topic,partition}` read on scrape. Each batch is handled inside the
 * trace of its events: every line logged meanwhile carries its trace id and correlation id.
 */
export async function subscribeObserved(bus: EventBus, subscription: Subscription, options: ObserveOptions): Promise<void> {
  const { metrics, log } = options;
  const consumer = subscription.group;
  const consumed = metrics.counter('events_consumed_total', 'Events a consumer applied (redeliveries count again)', ['consumer', 'type']);
  const lag = metrics.histogram('projection_lag_seconds', 'From an event occurring to a consumer having applied it', ['consumer', 'topic'], LAG_BUCKETS);
  const dead = metrics.counter('dead_letter_events_total', 'Events set aside for good: a consumer can never apply them', ['consumer', 'topic']);
  for (const topic of subscription.topics) dead.inc({ consumer, topic }, 0);

  if (bus.consumerLag) {
    const timeoutMs = options.lagTimeoutMs ?? 2_000;
    metrics.gauge('kafka_consumer_lag', 'Messages after the consumer group committed offset, per partition', ['consumer', 'topic', 'partition'], async (g) => {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('lag query timed out')), timeoutMs).unref());
      const partitions = await Promise.race([bus.consumerLag!(consumer, subscription.topics), timeout]);
      for (const p of partitions) g.set({ consumer, topic: p.topic, partition: String(p.partition) }, p.lag);
    });
  }

  await bus.subscribe({
    group: consumer,
    topics: subscription.topics,
    handle: (topic, events) =>
      withLogFields(batchTraceFields(events), async () => {
        const started = performance.now();
        try {
          await subscription.handle(topic, events);
        } catch (error) {
          log.debug('event batch not applied; the bus delivers it again', { consumer, topic, count: events.length, error: error as Error });
          throw error;
        }
        const now = Date.now();
        for (const e of events) {
          consumed.inc({ consumer, type: e.type });
          const occurred = Date.parse(e.occurredAt);
          if (Number.isFinite(occurred)) lag.observe({ consumer, topic }, Math.max(0, now - occurred) / 1000);
        }
        log.debug('events applied', { consumer, topic, count: events.length, durationMs: Math.round((performance.now() - started) * 10) / 10 });
      }),
    onDeadLetter: (d) => {
      dead.inc({ consumer, topic: d.topic });
      subscription.onDeadLetter?.(d);
    },
  });
}

/**
 * The trace a batch continues: one trace (the usual case, one request's events) gets a span of
 * this consumer as its child; a batch mixing requests lists their trace ids.
 */
export function batchTraceFields(events: readonly EventEnvelope[]): LogFields {
  const traces = new Set<string>();
  const correlations = new Set<string>();
  for (const e of events) {
    const trace = parseTraceparent(e.metadata?.traceparent);
    if (trace) traces.add(trace.traceId);
    if (e.metadata?.correlationId) correlations.add(e.metadata.correlationId);
  }
  const fields: LogFields = {};
  if (traces.size === 1) {
    const span = continueTrace(events.find((e) => e.metadata?.traceparent)!.metadata.traceparent);
    Object.assign(fields, { traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId });
  } else if (traces.size > 1) {
    fields.traceIds = [...traces].slice(0, 20);
  }
  if (correlations.size === 1) fields.correlationId = [...correlations][0];
  else if (correlations.size > 1) fields.correlationIds = [...correlations].slice(0, 20);
  return fields;
}
