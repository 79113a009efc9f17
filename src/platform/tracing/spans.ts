import type { TraceContext } from './traceparent';

export type SpanKind = 'server' | 'internal' | 'producer' | 'consumer';
export type SpanAttributes = Record<string, string | number | boolean>;

/**
 * A finished span, described after the fact: the project makes its own trace and span ids (the
 * logs carry them), so a span is reported with those ids once its work is done, and Jaeger shows
 * the same ids the log lines do. Times are epoch milliseconds (fractions allowed).
 */
export interface SpanRecord {
  name: string;
  kind: SpanKind;
  /** This span's ids; `parentSpanId` makes it a child (of a remote span: the caller's). */
  trace: TraceContext;
  startedAt: number;
  endedAt: number;
  attributes?: SpanAttributes;
  /** Other spans this one is causally tied to (`traceparent` form): a batch's other events. */
  links?: readonly string[];
  /** Set when the work failed: the span's status is then an error with this message. */
  error?: string;
}

/**
 * Where a module's spans go. `enabled` is false when nothing is exported: callers check it before
 * building a record, so an unset exporter costs one property read per request.
 */
export interface SpanSink {
  readonly enabled: boolean;
  record(span: SpanRecord): void;
  /**
   * Whether a trace this system starts (no caller's `traceparent`) is exported. Decided once, at
   * its root, and carried on in the `traceparent` flags, so every process keeps or drops it alike.
   */
  keepsRoot(traceId: string): boolean;
}

export const noSpans: SpanSink = { enabled: false, record() {}, keepsRoot: () => true };

/**
 * Keeps `ratio` of trace ids, by their last 8 hex digits (random in every id): the same answer for
 * the same trace everywhere, as OpenTelemetry's trace-id ratio sampler gives.
 */
export function keepsByRatio(ratio: number): (traceId: string) => boolean {
  if (ratio >= 1) return () => true;
  const bound = Math.floor(ratio * 0x1_0000_0000);
  return (traceId) => parseInt(traceId.slice(-8), 16) < bound;
}

/** Epoch milliseconds of a `performance.now()` reading: spans need wall time, durations need a monotonic clock. */
export const epochOf = (monotonicMs: number): number => performance.timeOrigin + monotonicMs;
