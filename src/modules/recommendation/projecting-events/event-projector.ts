import type { Clock } from '../../../platform/clock';
import type { Db } from '../../../platform/db/database';
import { DeadLetterError } from '../../../platform/events/bus';
import type { EventEnvelope } from '../../../platform/events/envelope';
import type { Logger } from '../../../platform/log';
import { classify, type GraphEvent } from '../graph/graph-events';
import type { SocialGraph } from '../graph/social-graph';
import { appendToLog } from './event-log';

export interface ProjectorStats {
  /** Events handed to the consumer, redeliveries included. */
  received: number;
  /** Events new to the log. */
  stored: number;
  /** Events logged but not applied: unknown type or data the graph cannot use. */
  ignored: number;
  /**
   * Events set aside (dead-lettered) before the log: not an envelope the log can hold, or a
   * schemaVersion no upcaster here can read.
   */
  rejected: number;
}

type Skipped = { e: EventEnvelope; reason: string };

/** A handle() call waiting for the next group. */
interface Waiting {
  topic: string;
  events: readonly EventEnvelope[];
  /** The batch's events the graph can use, read once through the publishers' codecs. */
  applicable: GraphEvent[];
  done(error?: unknown): void;
}

/**
 * The consumer: stores each batch in the log and applies it to the graph. A batch is acknowledged
 * (the promise resolves) only once the log insert has committed and the graph applied it, so a
 * crash after the ack loses nothing.
 * Work runs one group at a time: a rebuild must never interleave with live batches.
 *
 * Batches that arrive while a group is being written (Kafka hands over the batches of all its
 * partitions at once; the in-process bus delivers both topics concurrently) are written together
 * as the next group: one log transaction and one graph transaction for all of them. The fixed cost
 * of a transaction, not the events in it, is what bounds throughput (Neo4j above all), so grouping
 * is what keeps the projection up with the load. It is safe because a stream's events all come
 * through one partition, whose batches are never handed over concurrently, and because applying
 * is order-tolerant and idempotent per stream (versions), however batches are grouped.
 */
export class EventProjector {
  readonly counts: ProjectorStats = { received: 0, stored: 0, ignored: 0, rejected: 0 };
  /** When the last group was applied, and when its newest event occurred (for status and lag). */
  lastApplied: { at: Date; occurredAt: Date } | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private waiting: Waiting[] = [];
  private stopped = false;

  constructor(
    private readonly deps: {
      db: Db;
      /** Written with each group before it is acknowledged. */
      graph: Pick<SocialGraph, 'apply'>;
      clock: Clock;
      log: Logger;
      /**
       * Called with a group's events once its log rows have committed, while the graph may still be
       * applying them: a replica read from the log may have them from then on (log-replica.ts).
       * A failure fails the group, which is delivered again.
       */
      onLogged?: (events: readonly GraphEvent[]) => Promise<void>;
    },
  ) {}

  handle(topic: string, events: readonly EventEnvelope[]): Promise<void> {
    // Throwing asks the bus to redeliver later, to a running instance.
    if (this.stopped) return Promise.reject(new Error('recommendation consumer is stopped'));
    this.counts.received += events.length;
    const applicable: GraphEvent[] = [];
    const skipped: Skipped[] = [];
    for (const e of events) {
      const decoded = classify(e);
      if (decoded.ok) applicable.push(decoded.event);
      else if (decoded.fate !== 'unknown-version') skipped.push({ e, reason: decoded.reason });
      else {
        // A version newer than this code (or with no upcaster) is never guessed at: the bus sets
        // it aside (Kafka: its dead-letter topic) and delivers the rest of the batch again.
        // Checked before the batch joins a group, so that it fails only its own batch.
        this.report('rejected', topic, [{ e, reason: decoded.reason }]);
        return Promise.reject(new DeadLetterError(decoded.reason, e.id));
      }
    }
    this.report('ignored', topic, skipped);
    return new Promise((resolve, reject) => {
      const done = (error?: unknown) => (error === undefined ? resolve() : reject(error));
      // The first batch to wait schedules a group; those after it join until the group starts.
      if (this.waiting.push({ topic, events, applicable, done }) === 1) void this.serial(() => this.applyWaiting());
    });
  }

  /** Writes every waiting batch as one group; each caller gets the group's outcome. */
  private async applyWaiting(): Promise<void> {
    // The other partitions' batches of the same Kafka fetch reach handle() a few ticks after the
    // first: one turn of the event loop lets them join this group instead of waiting for the next.
    await new Promise((resolve) => setImmediate(resolve));
    const group = this.waiting.splice(0);
    try {
      if (this.stopped) throw new Error('recommendation consumer is stopped');
      // Log and graph are written at the same time: the batch is acknowledged only once both are
      // done, so a failure of either means redelivery, and both skip what they already hold. The
      // graph is applied even when every row was already logged: a previous attempt may have
      // logged it and then failed on the graph (a networked adapter can).
      const events = group.flatMap((w) => w.applicable);
      const { onLogged } = this.deps;
      const [logged, applied] = await Promise.allSettled([
        appendToLog(this.deps.db, group).then(async (stored) => {
          await onLogged?.(events);
          return stored;
        }),
        this.deps.graph.apply(events),
      ]);
      // Both settled before the group ends, so a retried group never overlaps this one.
      if (logged.status === 'rejected') throw logged.reason;
      if (applied.status === 'rejected') throw applied.reason;
      this.counts.stored += logged.value;
      this.noteApplied(group);
    } catch (error) {
      // Every batch of the group is delivered again; the log skips the rows it already holds.
      for (const w of group) w.done(error);
      return;
    }
    for (const w of group) w.done();
  }

  /**
   * Runs work between groups: no batch is logged or applied meanwhile (a rebuild's last catch-up
   * and switch-over, an audit's comparison).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.serial(work);
  }

  /** Finishes the batch in flight; later deliveries are refused (and so redelivered elsewhere). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.tail;
  }

  private noteApplied(group: readonly Waiting[]): void {
    let newest = Number.NEGATIVE_INFINITY;
    for (const { events } of group) for (const e of events) newest = Math.max(newest, Date.parse(e.occurredAt));
    if (Number.isFinite(newest)) this.lastApplied = { at: this.deps.clock.now(), occurredAt: new Date(newest) };
  }

  /** Counts an event the bus set aside for this consumer, whoever found it unreadable. */
  noteRejected(): void {
    this.counts.rejected++;
  }

  /** One line per batch, not per event: a stream of unknown events must not flood the log. */
  private report(kind: 'ignored' | 'rejected', topic: string, skipped: readonly Skipped[]): void {
    if (skipped.length === 0) return;
    // Rejections are counted when the bus reports them (noteRejected), wherever they were found.
    if (kind === 'ignored') this.counts.ignored += skipped.length;
    const examples = skipped.slice(0, 3).map(({ e, reason }) => ({ eventId: e?.id, type: e?.type, streamId: e?.streamId, reason }));
    this.deps.log.warn(`${kind} events the graph cannot use`, { topic, count: skipped.length, examples });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => {});
    return run;
  }
}
