import type { Database, Db } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import { erasuresIn, type GraphEvent } from '../graph/graph-events';
import type { MemoryGraph } from '../graph/memory-graph';
import { currentSnapshot, NOTHING_SEEN, readTail, type TailKey } from './log-tail';
import { READ_GAP_MS, wakeOnLogWrites } from './log-writes';
import { PollLoop } from './poll-loop';
import type { ReplicaSnapshots } from './replica-snapshots';
import { applicable, REPLAY_PAGE_SIZE } from './replay';


export interface LogReplicaDeps {
  db: Db;
  /** The replica, which this instance's reads are answered from. */
  graph: MemoryGraph;
  log: Logger;
  /**
   * Called after rows were applied: waiting reads (the consistency gate) look again, and the users
   * erased among them leave whatever else this instance keeps of them (names in memory).
   */
  onApplied: (erased: readonly number[]) => void;
  /** The pause between reads when nothing wakes the replica; by default as log-writes.ts says. */
  pollMs?: number;
  /** Where the instances say they logged rows (log-writes.ts); a replica without it polls every READ_GAP_MS. */
  notifications?: Pick<Database, 'listen'>;
  pageSize?: number;
  /** Where a start loads from and what the replica is saved to now and then; none: the whole log at each start. */
  snapshots?: ReplicaSnapshots;
}

/**
 * A full in-memory copy of the graph on an instance that shares its log with others (distributed
 * mode: the instances of one consumer group each log the events of their own partitions into one
 * table). It is fed by tailing that table, so it holds every instance's events, and also at once
 * with the batches this instance logged itself (`applyLocal`), which the tail then brings again.
 *
 * Neither the order across streams nor repeats matter: a graph is a function of the latest event
 * of each stream (see graph/social-graph.ts), applying is idempotent per stream version, and an
 * erased user stays unlinked whatever comes after. Only completeness does, which the tail keeps
 * (graph-lifecycle/log-tail.ts).
 */
export class LogReplica {
  /** Every row of a transaction finished in this snapshot is applied. */
  private seen = NOTHING_SEEN;
  private readonly polling: PollLoop;
  /** Rows read from the log so far (repeats of local batches included). */
  events = 0;
  /** When the last read of the log ended; a replica that cannot read the log keeps serving what it has. */
  private lastReadAt: Date | undefined;
  /** Between reads when nothing wakes the replica: longer once it hears the instances' notifications. */
  private quietPollMs = READ_GAP_MS;

  constructor(private readonly deps: LogReplicaDeps) {
    this.polling = new PollLoop({
      // After a failure the same rows are asked for again: `seen` only moves once they are applied.
      work: () => this.readNew(),
      everyMs: () => deps.pollMs ?? this.quietPollMs,
      minGapMs: READ_GAP_MS,
      log: deps.log,
      failing: 'the replica could not read the event log; retrying',
      working: 'the replica reads the event log again',
    });
  }

  /** The replica itself, which reads are answered from. */
  get graph(): MemoryGraph {
    return this.deps.graph;
  }

  /** Loads the newest snapshot and reads the log after it (or the whole log), then keeps reading what comes. */
  async start(): Promise<{ events: number; fromSnapshot: boolean }> {
    const started = performance.now();
    const covered = await this.deps.snapshots?.restore(this.deps.graph);
    if (covered) this.seen = covered;
    const events = await this.readNew();
    // Rows logged between that read and the subscription come in the read that starts the loop.
    const { notifications, log } = this.deps;
    if (notifications) this.quietPollMs = await wakeOnLogWrites(notifications, () => this.polling.wake(), log);
    this.polling.start(0);
    const summary = { events, fromSnapshot: covered !== undefined, ms: Math.round(performance.now() - started), ...(await this.deps.graph.stats()) };
    this.deps.log.info(covered ? 'replica loaded from a snapshot and the log after it' : 'replica loaded from the event log', summary);
    return { events, fromSnapshot: covered !== undefined };
  }

  /** For `GET /admin/projection`: how far the replica has read, and how recently. */
  async status() {
    return {
      ...(await this.deps.graph.stats()),
      rowsRead: this.events,
      lastReadAt: this.lastReadAt?.toISOString() ?? null,
      secondsSinceRead: this.lastReadAt ? (Date.now() - this.lastReadAt.getTime()) / 1000 : null,
      coversTransactionsOf: this.seen,
    };
  }

  /** Events this instance has just logged: applied now, not a poll later, and waiting reads told. */
  async applyLocal(events: readonly GraphEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.deps.graph.apply(events);
    this.deps.onApplied(erasuresIn(events));
  }

  async stop(): Promise<void> {
    await this.polling.stop();
    await this.deps.snapshots?.stop();
  }

  /** Applies every row whose transaction finished since the last read, page by page; returns how many there were. */
  async readNew(): Promise<number> {
    const { db, graph, pageSize = REPLAY_PAGE_SIZE } = this.deps;
    const upto = await currentSnapshot(db);
    let after: TailKey | undefined;
    let events = 0;
    const erased: number[] = [];
    for (;;) {
      const page = await readTail(db, { seen: this.seen, upto }, after, pageSize);
      const applied = applicable(page.events);
      await graph.apply(applied);
      erased.push(...erasuresIn(applied));
      events += page.events.length;
      if (page.events.length < pageSize) break;
      after = page.last;
      // PGlite answers within one turn of the event loop: let timers and requests in between pages.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
    this.seen = upto;
    this.events += events;
    this.lastReadAt = new Date();
    if (events > 0) this.deps.onApplied(erased);
    // Copied in this same turn: the image holds at least every row `upto` covers.
    this.deps.snapshots?.afterRead(this.events, () => ({ image: graph.image(), covers: upto }));
    return events;
  }
}
