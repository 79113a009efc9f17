import { eq } from 'drizzle-orm';
import type { Claim, Database } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import type { SocialGraph } from '../graph/social-graph';
import { graphFeedCursors } from '../schema';
import { currentSnapshot, NOTHING_SEEN, readTail, type TailKey } from './log-tail';
import { READ_GAP_MS, wakeOnLogWrites } from './log-writes';
import { PollLoop } from './poll-loop';
import { applicable, REPLAY_PAGE_SIZE } from './replay';

/** Held by the one instance of the group that writes the durable graph. */
const WRITER_CLAIM = 'recommendation-durable-feed';
const CURSOR = 'durable-graph';
/** How often a feed that is not the writer asks again, to take over from one that died. */
const CLAIM_RETRY_MS = 1000;

/**
 * Every row of a transaction finished in `covers` is in the graph; while a read towards the later
 * snapshot `toward` is under way, so are its rows up to `after`, in the tail's order.
 */
interface FeedCursor {
  covers: string;
  toward?: string;
  after?: TailKey;
}

export interface DurableFeedDeps {
  database: Database;
  /** The durable graph (Neo4j) that operators query; reads come from the replicas. */
  graph: SocialGraph;
  log: Logger;
  /** The pause between reads while writing and nothing wakes the feed; as the replica's by default. */
  pollMs?: number;
  pageSize?: number;
}

/**
 * Keeps the durable graph up with the log when reads come from replicas (log-replica.ts), so that
 * the consumer acknowledges a batch once it is logged, without waiting for Neo4j: a Neo4j pause
 * then delays only Neo4j, not the events behind it. One instance of the group writes (an advisory
 * claim; another takes over when it dies). It tails the log the way the replicas do and stores,
 * after each read applied, the PostgreSQL snapshot it covers (`graph_feed_cursors`): whatever
 * happens, the next writer goes on from there, and applying a row twice changes nothing.
 */
export class DurableFeed {
  private claim: Claim | undefined;
  private paused = false;
  /** Rows this instance applied to the durable graph. */
  applied = 0;
  /** The stored cursor, read when the claim is taken and kept while it is held. */
  private cursor: FeedCursor | undefined;
  private readonly polling: PollLoop;
  /** Between reads while writing when nothing wakes the feed: longer once it hears the instances' notifications. */
  private quietPollMs = READ_GAP_MS;

  constructor(private readonly deps: DurableFeedDeps) {
    this.polling = new PollLoop({
      // The cursor moves only after a read is applied: after a failure, the same rows come again next time.
      work: () => (this.paused ? Promise.resolve(0) : this.feedOnce()),
      everyMs: () => (this.claim ? (deps.pollMs ?? this.quietPollMs) : CLAIM_RETRY_MS),
      minGapMs: READ_GAP_MS,
      log: deps.log,
      failing: 'could not feed the durable graph from the log; retrying',
      working: 'the durable graph is fed from the log again',
    });
  }

  async start(): Promise<void> {
    // Woken by the instances' notifications only while writing: the others just wait for the claim.
    this.quietPollMs = await wakeOnLogWrites(this.deps.database, () => void (this.claim && this.polling.wake()), this.deps.log);
    this.polling.start(0);
  }

  /** Until resume(): no write to the durable graph (a rebuild is reloading it). */
  async suspend(): Promise<void> {
    this.paused = true;
    await this.polling.idle();
  }

  /** Goes on from the stored cursor: a reload that cleared the graph is made whole again from there. */
  async resume(): Promise<void> {
    this.paused = false;
  }

  async stop(): Promise<void> {
    await this.polling.stop();
    await this.claim?.release().catch(() => undefined);
  }

  /** When this instance writes: reads what finished since the stored cursor, applies it, stores the new one. */
  async feedOnce(): Promise<number> {
    if (!(this.claim && (await this.claim.stillHeld()))) {
      // Another writer may have gone on meanwhile: its cursor is read again.
      this.cursor = undefined;
      this.claim = await this.deps.database.claim(WRITER_CLAIM);
    }
    if (!this.claim) return 0;
    const { database, graph, pageSize = REPLAY_PAGE_SIZE } = this.deps;
    const db = database.db;
    if (this.cursor === undefined) {
      const [stored] = await db.select().from(graphFeedCursors).where(eq(graphFeedCursors.name, CURSOR));
      // Never fed from this log before: whatever the graph holds (another log's graph, or the
      // graph of the code before the feed) is not known to come from it, so it is loaded anew.
      if (!stored) await graph.clear();
      this.cursor = stored
        ? { covers: stored.covers, ...(stored.toward ? { toward: stored.toward } : {}), ...(stored.afterXid && stored.afterPosition !== null ? { after: { xid: stored.afterXid, position: stored.afterPosition } } : {}) }
        : { covers: NOTHING_SEEN };
    }
    const { covers } = this.cursor;
    // A read cut short (the writer died, or stopped) goes on where it was, towards the same snapshot.
    const upto = this.cursor.toward ?? (await currentSnapshot(db));
    let after = this.cursor.after;
    let rows = 0;
    for (;;) {
      const page = await readTail(db, { seen: covers, upto }, after, pageSize);
      await graph.apply(applicable(page.events));
      rows += page.events.length;
      if (page.events.length < pageSize) break;
      after = page.last;
      // A long read (the first load of a big log) keeps its progress: a successor does not start over.
      await this.store({ covers, toward: upto, after });
    }
    this.applied += rows;
    // Nothing new: the cursor stays, and the next read asks from it again (finding what came since).
    if (rows === 0 && this.cursor.toward === undefined && covers !== NOTHING_SEEN) return 0;
    await this.store({ covers: upto });
    return rows;
  }

  private async store(cursor: FeedCursor): Promise<void> {
    const row = { covers: cursor.covers, toward: cursor.toward ?? null, afterXid: cursor.after?.xid ?? null, afterPosition: cursor.after?.position ?? null };
    await this.deps.database.db
      .insert(graphFeedCursors)
      .values({ name: CURSOR, ...row })
      .onConflictDoUpdate({ target: graphFeedCursors.name, set: row });
    this.cursor = cursor;
  }
}
