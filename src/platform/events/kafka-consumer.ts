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

type Commit = EachBatchPayload['commitOffsetsIfNecessary'];
type PartitionOffset = { topic: string; partition: number; offset: string };

/**
 * Commits applied offsets in the background. The batch loop only notes an offset once its events
 * are applied; the commit goes out without kafkajs waiting for it, since kafkajs fetches again
 * only once every batch of the last fetch returned, and a broker round trip per partition there
 * added to every event's lag. Offsets noted meanwhile go out together in the next request, one
 * for all partitions. A lost or late commit can only make the group repeat events, never skip one.
 */
export class OffsetCommitter {
  private pending = new Map<string, PartitionOffset>();
  private sending?: Promise<void>;
  private commit?: Commit;

  /**
   * `timeoutMs` bounds each commit request: one that never answers (a broker gone while a stale
   * consumer generation waits on it) would otherwise hold every later commit, and a stopping
   * consumer's flush, forever. A commit given up on counts as failed; if it lands late, it can only
   * move the offset back, which repeats events.
   */
  constructor(
    private readonly log: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  /** `offset` is the next one to read: every message before it in the partition was applied. */
  note(topic: string, partition: number, offset: string, commit: Commit): void {
    // The latest batch's function: after kafkajs restarts a crashed consumer, older ones are stale.
    this.commit = commit;
    this.pending.set(`${topic}\u0000${partition}`, { topic, partition, offset });
    this.sending ??= this.send();
  }

  /** Sends what is noted and waits for every commit in flight. */
  async flush(): Promise<void> {
    if (this.pending.size > 0) this.sending ??= this.send();
    while (this.sending) await this.sending;
  }

  private async send(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const offsets = [...this.pending.values()];
        this.pending.clear();
        try {
          await withinTime(this.commit!({ topics: byTopic(offsets) }), this.timeoutMs);
        } catch (error) {
          // Kept for the next commit unless a later offset replaced it; until then a restart or a
          // rebalance repeats those events.
          for (const o of offsets) if (!this.pending.has(`${o.topic}\u0000${o.partition}`)) this.pending.set(`${o.topic}\u0000${o.partition}`, o);
          this.log.warn('could not commit consumer offsets; retried with the next commit', { error });
          return;
        }
      }
    } finally {
      // Cleared in the same tick as the last check of `pending`, so no note can be left unsent.
      this.sending = undefined;
    }
  }
}

async function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`offset commit not answered within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function byTopic(offsets: readonly PartitionOffset[]) {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) topics.set(topic, [...(topics.get(topic) ?? []), { partition, offset }]);
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * kafkajs' eachBatch for one group (run it with eachBatchAutoResolve and autoCommit off). A
 * partition's batch is worked through segment by segment; each segment's offset is resolved, and
 * handed to the committer, only after its events were applied (the handler resolved) or
 * dead-lettered (the broker acknowledged the copy). On a stop or a re-positioned partition the
 * loop returns with the rest unacknowledged: kafkajs fetches from the last resolved offset, and
 * after a rebalance the new owner starts from the last committed one, so nothing unapplied is
 * ever skipped.
 */
export function eachBatchHandler(deps: BatchHandlerDeps): (payload: EachBatchPayload) => Promise<void> {
  const commits = new OffsetCommitter(deps.log);
  const handleBatch = async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }: EachBatchPayload) => {
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
      commits.note(topic, partition, (BigInt(last) + 1n).toString(), commitOffsetsIfNecessary);
      if (control.active()) await heartbeat();
    }
  };
  return async (payload) => {
    try {
      await handleBatch(payload);
    } finally {
      // A stopping consumer leaves its group next: what it applied is committed first, so that
      // the partition's next owner does not repeat it.
      if (!payload.isRunning()) await commits.flush();
    }
  };
}

const firstOffsetOf = (s: Segment) => (s.kind === 'dead' ? s.offset : s.items[0]!.offset);
