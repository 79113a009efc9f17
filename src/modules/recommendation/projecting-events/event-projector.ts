import type { Clock } from '../../../platform/clock';
import type { Db } from '../../../platform/db/database';
import { DeadLetterError } from '../../../platform/events/bus';
import type { EventEnvelope } from '../../../platform/events/envelope';
import type { Logger } from '../../../platform/log';
import { classify, type GraphEvent } from '../graph/graph-events';
import type { SocialGraph } from '../graph/social-graph';
import { appendToLog, readLog, unstorableReason } from './event-log';

export interface ProjectorStats {
  /** Events handed to the consumer, redeliveries included. */
  received: number;
  /** Events new to the log. */
  stored: number;
  /** Events logged but not applied: unknown type or data the graph cannot use. */
  ignored: number;
  /** Events set aside (dead-lettered) before the log: they would break its constraints on every redelivery. */
  rejected: number;
}

const REBUILD_PAGE_SIZE = 5000;

type Skipped = { e: EventEnvelope; reason: string };

/**
 * The consumer: log first, then graph. A batch is acknowledged (the promise resolves) only once
 * the log insert has committed, so a crash after the ack loses nothing: the graph is rebuilt
 * from the log at start. Work runs one batch at a time: the in-process bus delivers the two
 * topics concurrently, and a rebuild must never interleave with live batches.
 */
export class EventProjector {
  readonly counts: ProjectorStats = { received: 0, stored: 0, ignored: 0, rejected: 0 };
  private tail: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly deps: { db: Db; graph: SocialGraph; clock: Clock; log: Logger },
  ) {}

  handle(topic: string, events: readonly EventEnvelope[]): Promise<void> {
    return this.serial(async () => {
      // Throwing asks the bus to redeliver later, to a running instance.
      if (this.stopped) throw new Error('recommendation consumer is stopped');
      this.counts.received += events.length;
      for (const e of events) {
        const reason = unstorableReason(e);
        if (!reason) continue;
        this.report('rejected', topic, [{ e, reason }]);
        // It would fail the log's constraints on every redelivery: the bus sets it aside (Kafka:
        // its dead-letter topic, counted) and delivers the rest of the batch again.
        throw new DeadLetterError(`cannot be stored: ${reason}`, e?.id);
      }
      this.counts.stored += await appendToLog(this.deps.db, topic, events, this.deps.clock.now());
      // Applied even when every row was already logged: a previous attempt may have committed the
      // log and then failed on the graph (a networked adapter can); applying again is harmless.
      await this.deps.graph.apply(this.applicable(topic, events));
    });
  }

  /** Drops the graph and replays the whole log into it, in the order the events were stored. */
  rebuild(): Promise<{ events: number }> {
    return this.serial(async () => {
      await this.deps.graph.clear();
      let after = 0;
      let total = 0;
      for (;;) {
        const page = await readLog(this.deps.db, after, REBUILD_PAGE_SIZE);
        if (page.events.length === 0) break;
        await this.deps.graph.apply(this.applicable('log', page.events));
        total += page.events.length;
        after = page.last;
      }
      return { events: total };
    });
  }

  /** Finishes the batch in flight; later deliveries are refused (and so redelivered elsewhere). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.tail;
  }

  private applicable(topic: string, events: readonly EventEnvelope[]): GraphEvent[] {
    const out: GraphEvent[] = [];
    const skipped: Skipped[] = [];
    for (const e of events) {
      const result = classify(e);
      if (result.ok) out.push(result.event);
      else skipped.push({ e, reason: result.reason });
    }
    this.report('ignored', topic, skipped);
    return out;
  }

  /** One line per batch, not per event: a stream of unknown events must not flood the log. */
  private report(kind: 'ignored' | 'rejected', topic: string, skipped: readonly Skipped[]): void {
    if (skipped.length === 0) return;
    this.counts[kind] += skipped.length;
    const examples = skipped.slice(0, 3).map(({ e, reason }) => ({ eventId: e?.id, type: e?.type, streamId: e?.streamId, reason }));
    this.deps.log.warn(`${kind} events the graph cannot use`, { topic, count: skipped.length, examples });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => {});
    return run;
  }
}
