import { withLogFields, type LogFields, type Logger } from '../log';
import { LAG_BUCKETS, type Metrics } from '../metrics/metrics';
import { epochOf } from '../tracing/spans';
import { continueTrace, parseTraceparent, type TraceContext } from '../tracing/traceparent';
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
    handle: (topic, events) => {
      const batch = batchTrace(events);
      // A batch mixing traces starts one of its own: sampled like any root.
      const traced = batch.span && metrics.spans.enabled && (batch.span.parentSpanId !== undefined || metrics.spans.keepsRoot(batch.span.traceId));
      return withLogFields(batch.fields, async () => {
        const started = performance.now();
        try {
          await subscription.handle(topic, events);
        } catch (error) {
          log.debug('event batch not applied; the bus delivers it again', { consumer, topic, count: events.length, error: error as Error });
          if (traced) recordConsume(batch.span!, (error as Error).message);
          throw error;
        }
        if (traced) recordConsume(batch.span!);
        const now = Date.now();
        for (const e of events) {
          consumed.inc({ consumer, type: e.type });
          const occurred = Date.parse(e.occurredAt);
          if (Number.isFinite(occurred)) lag.observe({ consumer, topic }, Math.max(0, now - occurred) / 1000);
        }
        log.debug('events applied', { consumer, topic, count: events.length, durationMs: Math.round((performance.now() - started) * 10) / 10 });

        function recordConsume(span: TraceContext, error?: string) {
          metrics.spans.record({
            name: `process ${topic}`,
            kind: 'consumer',
            trace: span,
            startedAt: epochOf(started),
            endedAt: epochOf(performance.now()),
            attributes: { 'messaging.operation.type': 'process', 'messaging.destination.name': topic, 'messaging.consumer.group.name': consumer, 'messaging.batch.message_count': events.length },
            ...(batch.links.length ? { links: batch.links } : {}),
            ...(error !== undefined ? { error } : {}),
          });
        }
      });
    },
    onDeadLetter: (d) => {
      dead.inc({ consumer, topic: d.topic });
      subscription.onDeadLetter?.(d);
    },
  });
}

/** Links a consumer span keeps to a batch's other producers; a bigger batch is summarised by its count. */
const MAX_LINKS = 32;

/**
 * The trace a batch continues: one trace (the usual case, one request's events) gets a span of
 * this consumer as its child (of the first event's producer; the others' producers are linked);
 * a batch mixing requests lists their trace ids in the logs, and its span starts a trace of its
 * own, linked to each event's producer, as OpenTelemetry advises for batches.
 */
export function batchTrace(events: readonly EventEnvelope[]): { fields: LogFields; span?: TraceContext; links: string[] } {
  const traces = new Set<string>();
  const correlations = new Set<string>();
  const parents: string[] = [];
  for (const e of events) {
    const traceparent = e.metadata?.traceparent;
    const trace = parseTraceparent(traceparent);
    if (trace) {
      traces.add(trace.traceId);
      parents.push(traceparent!);
    }
    if (e.metadata?.correlationId) correlations.add(e.metadata.correlationId);
  }
  const fields: LogFields = {};
  let span: TraceContext | undefined;
  let links: string[] = [];
  if (traces.size === 1) {
    span = continueTrace(parents[0]);
    links = [...new Set(parents.slice(1))].filter((p) => p !== parents[0]).slice(0, MAX_LINKS);
    Object.assign(fields, { traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId });
  } else if (traces.size > 1) {
    fields.traceIds = [...traces].slice(0, 20);
    span = continueTrace(undefined);
    links = [...new Set(parents)].slice(0, MAX_LINKS);
  }
  if (correlations.size === 1) fields.correlationId = [...correlations][0];
  else if (correlations.size > 1) fields.correlationIds = [...correlations].slice(0, 20);
  return { fields, span, links };
}
