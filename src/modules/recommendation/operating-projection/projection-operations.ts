import type { Clock } from '../../../platform/clock';
import type { Db } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import type { Metrics } from '../../../platform/metrics/metrics';
import type { SocialGraph } from '../graph/social-graph';
import type { EventProjector } from '../projecting-events/event-projector';
import { compareGraphs, compareLog, logHeads, type Divergence, type StreamSource } from './audit';
import { OnlineRebuild, RebuildRunning, type RebuildProgress } from '../graph-lifecycle/online-rebuild';
import { replayLog } from '../graph-lifecycle/replay';
import type { ServingGraph } from '../graph-lifecycle/serving-graph';
import { logPositions } from './status';

export interface ProjectionOperationsDeps {
  db: Db;
  base: SocialGraph;
  serving: ServingGraph;
  projector: EventProjector;
  newGraph: () => SocialGraph;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  pageSize?: number;
  /**
   * The durable graph's checkpoint, and how to pause its saving (or its feed from the log) while it
   * is reloaded. A graph fed from the log keeps a PostgreSQL snapshot instead (durable-feed.ts): no checkpoint.
   */
  durable?: { checkpoint?(): Promise<number>; suspend(): Promise<void>; resume(): Promise<void> };
  /** Domain services' stream heads, compared with the log by the audit. */
  sources: StreamSource[];
  /** Messages not yet consumed (Kafka), when the bus can tell. */
  consumerLag?: () => Promise<number>;
  /** The in-memory replica reads are answered from, when there is one (graph-lifecycle/log-replica.ts). */
  replica?: () => Promise<Record<string, unknown>>;
}

export interface AuditReport {
  divergences: number;
  /** By kind, then the first 1000 of them. */
  byKind: Record<string, number>;
  items: Divergence[];
  logEvents: number;
  sources: { name: string; ok: boolean; streams?: number; error?: string }[];
  seconds: number;
}

const MAX_LISTED = 1000;

/** Status, online rebuild and audit of the recommendation projection (`/admin/projection`). */
export class ProjectionOperations {
  readonly rebuilder: OnlineRebuild;
  private lastAudit: AuditReport | undefined;

  constructor(private readonly deps: ProjectionOperationsDeps) {
    this.rebuilder = new OnlineRebuild({ ...deps, exclusive: (work) => deps.projector.exclusive(work) });
    deps.metrics.gauge('projection_audit_divergences', 'Divergences the last projection audit found (graph vs log, log vs domain stores)', [], (g) => {
      if (this.lastAudit) g.set(this.lastAudit.divergences);
    });
  }

  rebuild(): Promise<{ events: number }> {
    return this.rebuilder.run();
  }

  /** Starts a rebuild in the background; its outcome shows in status(). */
  startRebuild(): RebuildProgress {
    if (this.rebuilder.progress().running) throw new RebuildRunning();
    void this.rebuilder.run().catch(() => {}); // logged and kept in progress().last
    return this.rebuilder.progress();
  }

  async status() {
    const { db, serving, projector, clock, durable, consumerLag, replica } = this.deps;
    const [log, graph, checkpoint, lag, replicaStatus] = await Promise.all([
      logPositions(db),
      serving.stats(),
      durable?.checkpoint?.(),
      consumerLag?.().catch(() => undefined),
      replica?.(),
    ]);
    const last = projector.lastApplied;
    return {
      log,
      graph: { ...graph, checkpoint: checkpoint ?? null },
      /** Where reads come from when not `graph`: the replica, fed from the log (graph is then the durable one). */
      replica: replicaStatus ?? null,
      lastApplied: last ? { at: last.at.toISOString(), eventOccurredAt: last.occurredAt.toISOString() } : null,
      lag: {
        /** Messages on the bus not yet consumed; null when the bus cannot tell (in-process). */
        messages: lag ?? null,
        /** From the newest applied event occurring to its being applied. */
        seconds: last ? Math.max(0, (last.at.getTime() - last.occurredAt.getTime()) / 1000) : null,
        /** Log rows a durable graph's checkpoint has not yet covered (saved every few seconds). */
        behindCheckpoint: checkpoint === undefined ? null : Math.max(0, log.lastPosition - checkpoint),
      },
      rebuild: this.rebuilder.progress(),
      lastAudit: this.lastAudit ? { divergences: this.lastAudit.divergences, byKind: this.lastAudit.byKind } : null,
      now: clock.now().toISOString(),
    };
  }

  /**
   * Rebuilds a fresh graph from the log and compares it with the live one, at one log position (the
   * last catch-up and both snapshots run between live groups); then compares the log's stream heads
   * with each domain store's. Domain streams the log lacks may simply be in flight: audit again.
   */
  async audit(): Promise<AuditReport> {
    const { db, serving, newGraph, pageSize, sources } = this.deps;
    const started = this.deps.clock.now().getTime();
    const fresh = newGraph();
    const first = await replayLog(db, fresh, { pageSize });
    const { live, rebuilt, heads, rest } = await this.deps.projector.exclusive(async () => {
      const rest = await replayLog(db, fresh, { after: first.last, pageSize });
      const [live, rebuilt, heads] = await Promise.all([serving.snapshot(), fresh.snapshot(), logHeads(db)]);
      return { live, rebuilt, heads, rest };
    });
    const items = compareGraphs(live, rebuilt);
    const checked: AuditReport['sources'] = [];
    for (const source of sources) {
      try {
        const found = await compareLog(heads, source);
        items.push(...found.items);
        checked.push({ name: source.name, ok: true, streams: found.streams });
      } catch (error) {
        checked.push({ name: source.name, ok: false, error: String((error as Error)?.message ?? error) });
      }
    }
    const byKind: Record<string, number> = {};
    for (const d of items) byKind[`${d.kind}:${d.issue}`] = (byKind[`${d.kind}:${d.issue}`] ?? 0) + 1;
    const report: AuditReport = {
      divergences: items.length,
      byKind,
      items: items.slice(0, MAX_LISTED),
      logEvents: first.events + rest.events,
      sources: checked,
      seconds: (this.deps.clock.now().getTime() - started) / 1000,
    };
    this.lastAudit = report;
    if (report.divergences > 0) this.deps.log.warn('projection audit found divergences', { divergences: report.divergences, byKind });
    return report;
  }
}
