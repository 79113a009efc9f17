import { count } from 'drizzle-orm';
import type { Clock } from '../../../platform/clock';
import type { Db } from '../../../platform/db/database';
import { DomainError } from '../../../platform/errors';
import type { Logger } from '../../../platform/log';
import { MemoryGraph } from '../graph/memory-graph';
import type { SocialGraph } from '../graph/social-graph';
import { receivedEvents } from '../schema';
import { replayLog } from './replay';
import type { ServingGraph } from './serving-graph';

export interface RebuildProgress {
  running: boolean;
  /** `building`: a fresh graph from the log; `reloading`: the durable graph, while reads use the fresh one. */
  phase: 'idle' | 'building' | 'reloading';
  done: number;
  total: number;
  eventsPerSec: number;
  etaSeconds: number | null;
  startedAt: string | null;
  last: { ok: boolean; events: number; seconds: number; error?: string; finishedAt: string } | null;
}

export interface OnlineRebuildDeps {
  db: Db;
  /** The graph the module was given: a MemoryGraph adopts the fresh one; any other is cleared and reloaded. */
  base: SocialGraph;
  serving: ServingGraph;
  /** Runs work with the projector's lock: no live batch is logged or applied meanwhile. */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  /** The fresh graph a rebuild (or an audit) builds; a MemoryGraph unless a test injects another. */
  newGraph: () => SocialGraph;
  clock: Clock;
  log: Logger;
  pageSize?: number;
  /** Around reloading a durable graph: no checkpoint may be saved while it is partial. */
  durable?: { suspend(): Promise<void>; resume(): Promise<void> };
}

export class RebuildRunning extends DomainError {
  constructor() {
    super('conflict', 'a rebuild is already running');
  }
}

/**
 * Rebuilds the graph from the log while reads keep being answered (see README, "Projection
 * operations"). Each graph is filled from the log without the lock, then, with the lock, caught up
 * with the rows logged meanwhile and switched to: live events are logged before they are applied,
 * so the catch-up finds every one of them, and none is lost.
 */
export class OnlineRebuild {
  private state: RebuildProgress = { running: false, phase: 'idle', done: 0, total: 0, eventsPerSec: 0, etaSeconds: null, startedAt: null, last: null };
  private started = 0;

  constructor(private readonly deps: OnlineRebuildDeps) {}

  progress(): RebuildProgress {
    const s = { ...this.state };
    if (s.running) {
      const seconds = (this.deps.clock.now().getTime() - this.started) / 1000;
      s.eventsPerSec = seconds > 0 ? Math.round(s.done / seconds) : 0;
      s.etaSeconds = s.eventsPerSec > 0 ? Math.max(0, Math.round((s.total - s.done) / s.eventsPerSec)) : null;
    }
    return s;
  }

  /** Refused (409) while another runs; resolves when the new graph serves. */
  async run(): Promise<{ events: number }> {
    if (this.state.running) throw new RebuildRunning();
    const { db, base, serving, durable } = this.deps;
    this.started = this.deps.clock.now().getTime();
    // Marked running before the first await, so that a second call is refused.
    this.state = { ...this.state, running: true, phase: 'building', done: 0, total: 0, startedAt: new Date(this.started).toISOString() };
    let events = 0;
    try {
      const total = (await db.select({ n: count() }).from(receivedEvents))[0]?.n ?? 0;
      this.state.total = base instanceof MemoryGraph ? total : 2 * total;
      const fresh = this.deps.newGraph();
      events = await this.fill(fresh, (g) => (base instanceof MemoryGraph && g instanceof MemoryGraph ? base.adopt(g) : serving.switchTo(g)));
      if (!(base instanceof MemoryGraph)) {
        // Reads are answered by the fresh graph meanwhile; the durable one is emptied and reloaded.
        this.state.phase = 'reloading';
        await durable?.suspend();
        await base.clear();
        await this.fill(base, (g) => serving.switchTo(g));
        await durable?.resume();
      }
      this.finish(true, events);
      return { events };
    } catch (error) {
      this.deps.log.error('projection rebuild failed; the graph serving before it still serves', { error });
      this.finish(false, events, error);
      throw error;
    }
  }

  /** Fills `graph` from the whole log, then with the lock held replays the rest and switches to it. */
  private async fill(graph: SocialGraph, switchTo: (g: SocialGraph) => void): Promise<number> {
    const onPage = ({ events }: { events: number }) => {
      this.state.done += events;
    };
    const { db, pageSize } = this.deps;
    const first = await replayLog(db, graph, { pageSize, onPage });
    return this.deps.exclusive(async () => {
      const rest = await replayLog(db, graph, { after: first.last, pageSize, onPage });
      switchTo(graph);
      return first.events + rest.events;
    });
  }

  private finish(ok: boolean, events: number, error?: unknown): void {
    const now = this.deps.clock.now();
    this.state = {
      ...this.state,
      running: false,
      phase: 'idle',
      etaSeconds: null,
      last: { ok, events, seconds: (now.getTime() - this.started) / 1000, finishedAt: now.toISOString(), ...(ok ? {} : { error: String((error as Error)?.message ?? error) }) },
    };
  }
}
