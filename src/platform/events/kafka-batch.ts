import type { KafkaMessage } from 'kafkajs';
import type { DeadLetterError } from './bus';
import type { EventEnvelope } from './envelope';
import { fromMessage } from './kafka-codec';

export interface RunItem {
  offset: string;
  message: KafkaMessage;
  envelope: EventEnvelope;
}

/**
 * A partition's batch cut into the units the consumer acknowledges one at a time: runs of
 * consecutive valid envelopes (handed to the handler together) and single messages that can never
 * be applied (sent to the dead-letter topic). Keeping the cut points means a poison message in the
 * middle neither blocks what follows nor reorders anything.
 */
export type Segment =
  | { kind: 'run'; items: RunItem[] }
  | { kind: 'dead'; offset: string; message: KafkaMessage; reason: string };

export function planSegments(messages: readonly KafkaMessage[], maxRun: number): Segment[] {
  const segments: Segment[] = [];
  let run: RunItem[] = [];
  const flush = () => {
    if (run.length > 0) segments.push({ kind: 'run', items: run });
    run = [];
  };
  for (const message of messages) {
    const decoded = fromMessage(message);
    if (!decoded.ok) {
      flush();
      segments.push({ kind: 'dead', offset: message.offset, message, reason: decoded.reason });
      continue;
    }
    run.push({ offset: message.offset, message, envelope: decoded.envelope });
    if (run.length >= maxRun) flush();
  }
  flush();
  return segments;
}

/** The offset of the segment's last message: committing it + 1 acknowledges the whole segment. */
export function lastOffsetOf(segment: Segment): string {
  return segment.kind === 'dead' ? segment.offset : segment.items[segment.items.length - 1]!.offset;
}

/**
 * What to do after a handler declared part of a run undeliverable. With the culprit named, the
 * events before it are delivered again (handlers are idempotent), it is dead-lettered, and the
 * rest follows; without a name, the run is retried one event at a time to find it.
 */
export function splitRun(items: readonly RunItem[], error: DeadLetterError): Segment[] {
  const dead = (i: RunItem): Segment => ({ kind: 'dead', offset: i.offset, message: i.message, reason: `rejected by handler: ${error.message}` });
  if (items.length === 1) return [dead(items[0]!)];
  const at = error.eventId === undefined ? -1 : items.findIndex((i) => i.envelope.id === error.eventId);
  if (at < 0) return items.map((i) => ({ kind: 'run', items: [i] }));
  const before = items.slice(0, at);
  const after = items.slice(at + 1);
  return [
    ...(before.length ? [{ kind: 'run', items: before } as const] : []),
    dead(items[at]!),
    ...(after.length ? [{ kind: 'run', items: after } as const] : []),
  ];
}
