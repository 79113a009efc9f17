import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { EventEnvelope } from './envelope';
import { envelopeProblem } from './event-codec';

/**
 * How an envelope travels on Kafka. The value is the whole JSON envelope (the source of truth);
 * headers repeat what routers, tracing and people reading a topic need without parsing it.
 */
export const HEADERS = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  streamId: 'stream-id',
  streamVersion: 'stream-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
} as const;

export function toMessage(e: EventEnvelope): Message {
  const headers: IHeaders = {
    [HEADERS.eventId]: e.id,
    [HEADERS.eventType]: e.type,
    [HEADERS.schemaVersion]: String(e.schemaVersion),
    [HEADERS.streamId]: e.streamId,
    [HEADERS.streamVersion]: String(e.streamVersion),
    [HEADERS.correlationId]: e.metadata.correlationId,
  };
  if (e.metadata.causationId) headers[HEADERS.causationId] = e.metadata.causationId;
  if (e.metadata.traceparent) headers[HEADERS.traceparent] = e.metadata.traceparent;
  // The key is the stream: the partitioner hashes it, so one stream stays in one partition, in order.
  return { key: e.streamId, value: JSON.stringify(e), headers };
}

export type Decoded = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

export function fromMessage(message: Pick<KafkaMessage, 'value'>): Decoded {
  if (!message.value || message.value.length === 0) return { ok: false, reason: 'empty message value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `unparseable JSON: ${(error as Error).message}` };
  }
  const problem = envelopeProblem(parsed);
  return problem ? { ok: false, reason: problem } : { ok: true, envelope: parsed as EventEnvelope };
}

/**
 * Splits a publish into sends that stay well under the broker's default 1 MB record-batch limit.
 * Sends go out one after another, so order is kept across chunks.
 */
export function chunkBySize(messages: readonly Message[], maxBytes: number): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = typeof m.value === 'string' ? Buffer.byteLength(m.value) : (m.value?.length ?? 0);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
