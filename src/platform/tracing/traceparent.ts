/**
 * W3C Trace Context (`traceparent: 00-<trace id>-<parent span id>-<flags>`), just enough to carry a
 * trace from the gateway through each module and its events, so every log line of one request can
 * be found by its trace id. The same ids name the spans when they are exported (otlp.ts).
 */
export interface TraceContext {
  traceId: string;
  /** The span of the current participant (this server, this consumer). */
  spanId: string;
  /** The caller's span, when the trace came in from outside. */
  parentSpanId?: string;
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

const CANONICAL = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ALL_ZERO = /^0+$/;
// Ids are made on every request: random bytes are drawn a few kilobytes at a time rather than per
// id and turned to hex once per draw, natively; each id is then a slice of that flat string (a
// string built by `+=` is a rope that costs again wherever it is read).
const pool = Buffer.alloc(4096);
let poolHex = '';
let poolAt = pool.length;

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    crypto.getRandomValues(pool);
    poolHex = pool.toString('hex');
    poolAt = 0;
  }
  const start = poolAt;
  poolAt += bytes;
  // An all-zero id is invalid; the odds are nil, but the spec says never send one.
  for (let i = start; i < poolAt; i++) if (pool[i]) return poolHex.slice(2 * start, 2 * poolAt);
  return randomHex(bytes);
}

/** The caller's context, or undefined when the header is absent or malformed (then a new trace starts). */
export function parseTraceparent(header: string | null | undefined): Omit<TraceContext, 'parentSpanId'> | undefined {
  if (!header) return undefined;
  // What this system's own hops send (version 00, lower case, nothing around it) is read by
  // position: no trimmed or lower-cased copy, no capture groups. Anything else takes the long way.
  if (header.length === 55 && CANONICAL.test(header)) {
    const traceId = header.slice(3, 35);
    const spanId = header.slice(36, 52);
    if (ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return undefined;
    return { traceId, spanId, flags: header.slice(53) };
  }
  const match = TRACEPARENT.exec(header.trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match;
  // Version ff is forbidden; version 00 must have exactly four fields.
  if (version === 'ff' || (version === '00' && header.trim().length !== 55)) return undefined;
  if (ALL_ZERO.test(traceId!) || ALL_ZERO.test(spanId!)) return undefined;
  return { traceId: traceId!, spanId: spanId!, flags: flags! };
}

/** A new span continuing the caller's trace, or the root of a new trace (sampled). */
export function continueTrace(header: string | null | undefined): TraceContext {
  const parent = parseTraceparent(header);
  if (!parent) return { traceId: randomHex(16), spanId: randomHex(8), flags: '01' };
  return { traceId: parent.traceId, spanId: randomHex(8), parentSpanId: parent.spanId, flags: parent.flags };
}

/** The header that tells the next hop this span is its parent. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}
