import type { EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import type { Logger } from '../log';
import type { Subscription } from './bus';
import { lastOffsetOf, planSegments, splitRun, type Segment } from './kafka-batch';
import { persist, type Backoff, type BatchControl } from './kafka-retry';

/** One message moved to a dead-letter topic, for counters and alerts. */
export interface DeadLetterReport {
  group: string;
  topic: string;
  partition: number;
  offset: string;
  reason: string;
  deadLetterTopic: string;
}

export interface BatchHandlerDeps {
  group: string;
  handle: Subscription['handle'];
  deadLetterTopic(topic: string): string;
  /** Resolves once the broker acknowledged the dead letter. */
  send(topic: string, messages: Message[]): Promise<void>;
  onDeadLetter(report: DeadLetterReport): void;
  backoff: Backoff;
  /** Most events handed to the handler at once: bounds the work one failure repeats. */
  maxRun: number;
  log: Logger;
}

export const DEAD_LETTER_HEADERS = {
  reason: 'dlq-reason',
  topic: 'dlq-source-topic',
  partition: 'dlq-source-partition',
  offset: 'dlq-source-offset',
  group: 'dlq-group',
} as const;

/** The original key, value and headers, plus where the message came from and why it could not be applied. */
export function deadLetterMessage(message: KafkaMessage, r: DeadLetterReport): Message {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.reason]: r.reason,
      [DEAD_LETTER_HEADERS.topic]: r.topic,
      [DEAD_LETTER_HEADERS.partition]: String(r.partition),
      [DEAD_LETTER_HEADERS.offset]: r.offset,
      [DEAD_LETTER_HEADERS.group]: r.group,
    },
  };
}

/**
 * kafkajs' eachBatch for one group (run it with eachBatchAutoResolve and autoCommit off). A
 * partition's batch is worked through segment by segment; each segment's offset is resolved and
 * committed only after its events were applied (the handler resolved) or dead-lettered (the
 * broker acknowledged the copy). On a stop or a re-positioned partition the loop returns with the
 * rest unacknowledged: kafkajs fetches from the last resolved offset, and after a rebalance the
 * new owner starts from the last committed one, so nothing unapplied is ever skipped.
 */
export function eachBatchHandler(deps: BatchHandlerDeps): (payload: EachBatchPayload) => Promise<void> {
  return async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
    const { topic, partition } = batch;
    const control: BatchControl = { active: () => isRunning() && !isStale(), heartbeat };
    const queue = planSegments(batch.messages, deps.maxRun);
    while (queue.length > 0) {
      const segment = queue.shift()!;
      const onRetry = (attempt: number, error: unknown, delayMs: number) =>
        deps.log.warn(segment.kind === 'run' ? 'event handler failed; retrying' : 'dead-letter publish failed; retrying', {
          group: deps.group, topic, partition, fromOffset: firstOffsetOf(segment), attempt, delayMs, error,
        });
      let report: DeadLetterReport | undefined;
      let work: () => Promise<void>;
      if (segment.kind === 'run') {
        const events = segment.items.map((i) => i.envelope);
        work = () => deps.handle(topic, events);
      } else {
        const r: DeadLetterReport = { group: deps.group, topic, partition, offset: segment.offset, reason: segment.reason, deadLetterTopic: deps.deadLetterTopic(topic) };
        report = r;
        work = () => deps.send(r.deadLetterTopic, [deadLetterMessage(segment.message, r)]);
      }
      const outcome = await persist(work, control, deps.backoff, onRetry);
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'dead') {
        // Only a handler declares an event undeliverable; a dead-letter send never does.
        if (segment.kind !== 'run') return;
        queue.unshift(...splitRun(segment.items, outcome.error));
        continue;
      }
      if (report) {
        deps.log.warn('message moved to the dead-letter topic', { ...report });
        deps.onDeadLetter(report);
      }
      const last = lastOffsetOf(segment);
      resolveOffset(last);
      // Explicit offsets: commit exactly what was applied, never kafkajs' idea of "uncommitted".
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: (BigInt(last) + 1n).toString() }] }] });
      if (control.active()) await heartbeat();
    }
  };
}

const firstOffsetOf = (s: Segment) => (s.kind === 'dead' ? s.offset : s.items[0]!.offset);
