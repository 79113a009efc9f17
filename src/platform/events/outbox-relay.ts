import { asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Counter } from 'prom-client';
import type { Claim, Database } from '../db/database';
import type { Logger } from '../log';
import type { Metrics } from '../metrics/metrics';
import { epochOf, noSpans, type SpanSink } from '../tracing/spans';
import { continueTrace, formatTraceparent, type TraceContext } from '../tracing/traceparent';
import type { EventBus } from './bus';
import type { EventEnvelope } from './envelope';
import { rowToEnvelope } from './event-codec';
import { events, outbox } from './event-store-schema';

export interface RelayOptions {
  batchSize?: number;
  /** Safety-net poll for rows nobody woke us for (e.g. left by a crash). Commits wake it at once. */
  pollMs?: number;
  maxBackoffMs?: number;
  /**
   * Hold publication: commands are still accepted and kept in the outbox. For maintenance, and
   * for tests that need committed-but-unpublished events.
   */
  paused?: boolean;
  /**
   * VACUUM the outbox after this many rows were deleted from it; 0 never. Default: 10,000 on an
   * embedded database, 0 on a server, whose autovacuum does it.
   */
  vacuumEvery?: number;
}

/**
 * PGlite runs no autovacuum, so without this the space of every published row stays dead: the
 * outbox grew by a page per ~190 events for good (94 pages holding 32 rows after 19,200 events),
 * and the relay's every read scans them. A VACUUM of the table makes that space reusable; it costs
 * about 2 ms per 3,200 rows deleted, on PGlite.
 */
const EMBEDDED_VACUUM_EVERY = 10_000;

const CHANNEL = 'outbox';

/**
 * Publishes committed events from the outbox to the bus, oldest first, and deletes each row only
 * after the bus accepted it: at least once, in commit order (hence in order per stream).
 *
 * Several instances of a module may share one database; only the one holding the database claim
 * publishes, so per-stream order holds across instances. The others pass their commits on with a
 * notification, and take over at their next poll if the publisher dies.
 */
export class OutboxRelay {
  private running?: Promise<void>;
  private again = false;
  /** Until start(), wakes do nothing: a module created but never started must not poll. */
  private stopped = true;
  private timer?: ReturnType<typeof setTimeout>;
  private failures = 0;
  private claim?: Claim;
  private listening = false;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;
  private readonly vacuumEvery: number;
  private deletedSinceVacuum = 0;
  private readonly published?: Counter<'topic'>;
  private readonly spans: SpanSink;

  constructor(
    private readonly database: Database,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly options: RelayOptions = {},
    metrics?: Metrics,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.vacuumEvery = options.vacuumEvery ?? (database.ownedByThisProcess ? EMBEDDED_VACUUM_EVERY : 0);
    this.spans = metrics?.spans ?? noSpans;
    this.published = metrics?.counter('events_published_total', 'Events the outbox relay handed to the bus', ['topic']);
    // Counted on scrape, not tracked: rows committed by other instances sharing the database count too.
    metrics?.gauge('outbox_backlog', 'Committed events still waiting in the outbox to be published', [], async (g) => {
      const [row] = await database.db.select({ n: count() }).from(outbox);
      g.set(Number(row?.n ?? 0));
    });
  }

  start(): void {
    if (this.options.paused) return;
    this.stopped = false;
    if (!this.listening) {
      this.listening = true;
      this.database.listen(CHANNEL, () => this.claim && this.wake()).catch((error) =>
        this.log.warn('cannot listen for commits of other instances; relying on polling', { error }),
      );
    }
    this.wake();
  }

  /** Call after a command committed events: publish now, or tell the instance that publishes. */
  committed(): void {
    if (this.options.paused) return;
    if (this.claim) return this.wake();
    this.database.notify(CHANNEL).catch(() => {});
  }

  /** Ask for a drain; coalesces with one in progress. */
  wake(): void {
    if (this.stopped || this.options.paused) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drainLoop().finally(() => {
      this.running = undefined;
      if (this.again && !this.failures) return this.wake();
      this.schedule(this.failures ? Math.min(this.maxBackoffMs, 100 * 2 ** this.failures) : this.pollMs);
    });
  }

  /** Publishes what is left, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.options.paused) return;
    try {
      await this.drain();
    } catch (error) {
      this.log.warn('outbox not empty at shutdown; it will be published at next start', { error });
    }
    await this.claim?.release();
    this.claim = undefined;
  }

  /** True when this instance holds (or just took) the right to publish. */
  private async lead(): Promise<boolean> {
    if (this.claim && (await this.claim.stillHeld())) return true;
    this.claim = await this.database.claim('outbox-relay');
    return this.claim !== undefined;
  }

  /** Publishes everything currently in the outbox; returns how many events went out. */
  async drain(): Promise<number> {
    if (!(await this.lead())) return 0;
    const db = this.database.db;
    let total = 0;
    for (;;) {
      // Wakes before this point are for commits that finished before the read below starts, so it
      // sees their rows; only a wake from now on calls for another read. Cleared any earlier, a
      // commit landing while the claim was checked brought the drain loop back for an empty read,
      // half of the relay's reads under load.
      this.again = false;
      const rows = await db
        .select({ topic: outbox.topic, event: events })
        .from(outbox)
        .innerJoin(events, eq(events.position, outbox.eventPosition))
        .orderBy(asc(outbox.eventPosition))
        .limit(this.batchSize);
      if (rows.length === 0) return total;
      // Publish runs of the same topic together, keeping commit order across runs.
      for (let start = 0; start < rows.length; ) {
        let end = start;
        while (end < rows.length && rows[end]!.topic === rows[start]!.topic) end++;
        const run = rows.slice(start, end);
        const envelopes = run.map((r) => rowToEnvelope(r.event));
        if (this.spans.enabled) await this.publishTraced(run[0]!.topic, envelopes);
        else await this.bus.publish(run[0]!.topic, envelopes);
        await db.delete(outbox).where(inArray(outbox.eventPosition, run.map((r) => r.event.position)));
        this.published?.inc({ topic: run[0]!.topic }, run.length);
        total += run.length;
        this.deletedSinceVacuum += run.length;
        start = end;
      }
      await this.vacuumIfDue();
      // A short batch was everything there was: no need to ask again. A commit made meanwhile
      // has set `again`, so the drain loop comes back for it.
      if (rows.length < this.batchSize) return total;
    }
  }

  /** Outside any transaction, as VACUUM must be; a failure only postpones it, publication goes on. */
  private async vacuumIfDue(): Promise<void> {
    if (this.vacuumEvery <= 0 || this.deletedSinceVacuum < this.vacuumEvery) return;
    this.deletedSinceVacuum = 0;
    try {
      await this.database.db.execute(sql`vacuum outbox`);
    } catch (error) {
      this.log.warn('could not vacuum the outbox; trying again later', { error });
    }
  }

  /**
   * Publishes with a producer span per event, child of the span that appended it (the command's).
   * The event then travels with the producer span as its `traceparent`, so the consumer's span is
   * the producer's child: the trace crosses the broker. The stored event keeps its own.
   */
  private async publishTraced(topic: string, envelopes: EventEnvelope[]): Promise<void> {
    const traced: { envelope: EventEnvelope; trace: TraceContext }[] = [];
    for (const e of envelopes) {
      if (!e.metadata.traceparent) continue;
      const trace = continueTrace(e.metadata.traceparent);
      e.metadata = { ...e.metadata, traceparent: formatTraceparent(trace) };
      traced.push({ envelope: e, trace });
    }
    const startedAt = performance.now();
    let error: string | undefined;
    try {
      await this.bus.publish(topic, envelopes);
    } catch (e) {
      error = (e as Error).message;
      throw e;
    } finally {
      const endedAt = epochOf(performance.now());
      for (const { envelope, trace } of traced) {
        this.spans.record({
          name: `publish ${topic}`,
          kind: 'producer',
          trace,
          startedAt: epochOf(startedAt),
          endedAt,
          attributes: { 'messaging.operation.type': 'send', 'messaging.destination.name': topic, 'messaging.message.id': envelope.id, 'event.type': envelope.type, 'event.stream_id': envelope.streamId, component: 'outbox-relay', 'messaging.batch.message_count': envelopes.length },
          ...(error !== undefined ? { error } : {}),
        });
      }
    }
  }

  private async drainLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.drain();
        this.failures = 0;
      } catch (error) {
        this.failures++;
        this.log.warn('outbox relay could not publish; retrying', { attempt: this.failures, error });
        return;
      }
    } while (this.again && !this.stopped);
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.wake(), ms);
  }
}
