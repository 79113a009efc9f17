import type { Clock } from '../../../platform/clock';
import type { Db } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import { MemoryGraph } from '../graph/memory-graph';
import { isDurable, type SocialGraph } from '../graph/social-graph';
import { Checkpoints } from './checkpoints';
import { lastLogPosition } from './log-position';
import { replayLog } from './replay';
import { Snapshots } from './snapshots';

export interface GraphLifecycleDeps {
  db: Db;
  /** The graph the module was given. */
  graph: SocialGraph;
  /** Runs work between the projector's groups. */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  /** The online rebuild, for a durable graph that turns out to be ahead of this log. */
  rebuild: () => Promise<{ events: number }>;
  clock: Clock;
  log: Logger;
  pageSize?: number;
  /** New log rows between snapshots of an in-memory graph. */
  snapshotEvery?: number;
}

/**
 * How the graph comes to hold the log and stays recoverable, one home for each kind of graph:
 * - a durable graph (Neo4j) is caught up from its checkpoint, which is then kept close behind;
 * - the in-memory graph loads the newest matching snapshot, and snapshots are taken as events come;
 * - in both cases, and for any other graph, only the log rows after what was loaded are replayed,
 *   through the one replay loop that rebuilds and audits use too.
 */
export class GraphLifecycle {
  readonly checkpoints: Checkpoints | undefined;
  readonly snapshots: Snapshots | undefined;

  constructor(private readonly deps: GraphLifecycleDeps) {
    const { graph } = deps;
    this.checkpoints = isDurable(graph) ? new Checkpoints({ ...deps, graph }) : undefined;
    this.snapshots = graph instanceof MemoryGraph ? new Snapshots({ ...deps, graph, everyEvents: deps.snapshotEvery }) : undefined;
  }

  /** Brings the graph up to the end of the log; what it logs says where it started from. */
  async start(): Promise<void> {
    const { graph, log } = this.deps;
    const started = performance.now();
    const from = await this.loadedPosition();
    if (from === 'rebuilt') return;
    const { events } = await this.replayAfter(from.position);
    this.checkpoints?.markComplete();
    const summary = { from: from.position, events, ms: Math.round(performance.now() - started), ...(await graph.stats()) };
    if (this.checkpoints) log.info('graph caught up with the event log', summary);
    else if (from.position > 0) log.info('graph loaded from a snapshot and the log after it', summary);
    else log.info('graph rebuilt from the event log', summary);
    // A long replay is worth not repeating at the next start.
    if (this.snapshots?.due(events)) void this.snapshots.take();
  }

  /** After a batch is applied; never blocks the consumer. */
  afterBatch(storedSoFar: number): void {
    void this.checkpoints?.save(false);
    this.snapshots?.afterBatch(storedSoFar);
  }

  async stop(): Promise<void> {
    await this.snapshots?.stop();
    await this.checkpoints?.stop();
  }

  /** The log position the graph already covers; a checkpoint beyond the log means another log built the graph. */
  private async loadedPosition(): Promise<{ position: number } | 'rebuilt'> {
    const { graph, db, log } = this.deps;
    if (isDurable(graph)) {
      const position = await graph.checkpoint();
      if (position <= (await lastLogPosition(db))) return { position };
      log.warn('the graph is ahead of the event log that feeds it: rebuilding it', { checkpoint: position });
      const { events } = await this.deps.rebuild();
      log.info('graph caught up with the event log', { from: 0, events, ...(await graph.stats()) });
      return 'rebuilt';
    }
    return this.snapshots ? await this.snapshots.restore() : { position: 0 };
  }

  /** Replays the rows after `position`; a durable graph records its checkpoint after each page. */
  private replayAfter(position: number) {
    const { db, graph, pageSize } = this.deps;
    const durable = isDurable(graph) ? graph : undefined;
    // Events the graph cannot use were reported when they were received.
    return replayLog(db, graph, { after: position, pageSize, ...(durable ? { onPage: ({ last }) => durable.saveCheckpoint(last) } : {}) });
  }
}
