import { count, max } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { receivedEvents } from '../schema';

export interface LogTopicPosition {
  topic: string;
  events: number;
  /** Log position of the topic's newest row. */
  lastPosition: number;
}

/** The log's size and per-topic positions, for `GET /admin/projection`. */
export async function logPositions(db: Db): Promise<{ events: number; lastPosition: number; topics: LogTopicPosition[] }> {
  const rows = await db
    .select({ topic: receivedEvents.topic, events: count(), lastPosition: max(receivedEvents.position) })
    .from(receivedEvents)
    .groupBy(receivedEvents.topic)
    .orderBy(receivedEvents.topic);
  const topics = rows.map((r) => ({ topic: r.topic, events: r.events, lastPosition: r.lastPosition ?? 0 }));
  return {
    events: topics.reduce((n, t) => n + t.events, 0),
    lastPosition: topics.reduce((p, t) => Math.max(p, t.lastPosition), 0),
    topics,
  };
}
