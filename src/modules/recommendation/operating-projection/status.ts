import { count, max, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { topicOf } from '../projecting-events/log-topics';
import { receivedEvents } from '../schema';

export interface LogTopicPosition {
  topic: string;
  events: number;
  /** Log position of the topic's newest row. */
  lastPosition: number;
}

/** The log's size and per-topic positions, for `GET /admin/projection`. */
export async function logPositions(db: Db): Promise<{ events: number; lastPosition: number; topics: LogTopicPosition[] }> {
  // The stored topic is empty where the stream's kind (the id up to its first dash) names it.
  const kind = sql<string>`split_part(${receivedEvents.streamId}, '-', 1) || '-'`;
  const rows = await db
    .select({ stored: receivedEvents.topic, kind, events: count(), lastPosition: max(receivedEvents.position) })
    .from(receivedEvents)
    .groupBy(receivedEvents.topic, kind);
  const byTopic = new Map<string, LogTopicPosition>();
  for (const r of rows) {
    const topic = topicOf(r.stored, r.kind);
    const seen = byTopic.get(topic) ?? { topic, events: 0, lastPosition: 0 };
    byTopic.set(topic, { topic, events: seen.events + r.events, lastPosition: Math.max(seen.lastPosition, r.lastPosition ?? 0) });
  }
  const topics = [...byTopic.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  return {
    events: topics.reduce((n, t) => n + t.events, 0),
    lastPosition: topics.reduce((p, t) => Math.max(p, t.lastPosition), 0),
    topics,
  };
}
