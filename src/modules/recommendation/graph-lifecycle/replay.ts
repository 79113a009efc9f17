import type { Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { classify, type GraphEvent } from '../graph/graph-events';
import type { SocialGraph } from '../graph/social-graph';
import { readLog } from '../projecting-events/event-log';

/** Larger pages cost fewer queries; 10,000 rows of the graph's columns are a few MB. */
export const REPLAY_PAGE_SIZE = 10_000;

export interface ReplayOptions {
  /** Log position to start after; 0 replays the whole log. */
  after?: number;
  pageSize?: number;
  /** Called after each page is applied: to save a checkpoint, report progress or stop (throw). */
  onPage?: (page: { events: number; last: number }) => Promise<void> | void;
  /** Events the graph cannot use: the projector reports them; a replay only skips them. */
  onSkipped?: (events: { e: EventEnvelope; reason: string }[]) => void;
}

export interface ReplayResult {
  /** Log rows read (applicable or not). */
  events: number;
  /** Position of the last row applied; `after` when the log held nothing new. */
  last: number;
}

/**
 * The one replay loop: start-up catch-up, rebuild and audit all read the log page by page, in the
 * order rows were stored, and apply each page to a graph. Applying is idempotent and
 * order-tolerant, so replaying rows a graph already holds is harmless.
 */
export async function replayLog(db: Db, graph: SocialGraph, options: ReplayOptions = {}): Promise<ReplayResult> {
  const pageSize = options.pageSize ?? REPLAY_PAGE_SIZE;
  let after = options.after ?? 0;
  let events = 0;
  // The next page is read while this one is applied: on PostgreSQL the database works meanwhile.
  let next = readLog(db, after, pageSize);
  try {
    for (;;) {
      const page = await next;
      if (page.events.length === 0) break;
      next = readLog(db, page.last, pageSize);
      await graph.apply(applicable(page.events, options.onSkipped));
      events += page.events.length;
      after = page.last;
      await options.onPage?.({ events: page.events.length, last: page.last });
      // PGlite answers within the same turn of the event loop: without a yield, a replay of the
      // whole log would hold off every timer and request (the reads a rebuild must keep serving).
      // A timer, not setImmediate: under Bun the latter stalled a replay for seconds at a time.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
  } catch (error) {
    next.catch(() => undefined); // a read ahead nobody will take must not fail unhandled
    throw error;
  }
  return { events, last: after };
}

/** The events of a page the graph can use; the others go to `onSkipped`. */
export function applicable(events: readonly EventEnvelope[], onSkipped?: ReplayOptions['onSkipped']): GraphEvent[] {
  const out: GraphEvent[] = [];
  const skipped: { e: EventEnvelope; reason: string }[] = [];
  for (const e of events) {
    const c = classify(e);
    if (c.ok) out.push(c.event);
    else skipped.push({ e, reason: c.reason });
  }
  if (skipped.length > 0) onSkipped?.(skipped);
  return out;
}
