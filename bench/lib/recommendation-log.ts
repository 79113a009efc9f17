/**
 * A recommendation log written by SQL, for the projection suite: `users` users created, then each
 * befriends degree/2 others (offsets j²·37, so every user ends with `degree` friends and no pair
 * comes twice), one event a second; every tenth friendship is removed afterwards. Far faster than
 * sending the events through the bus, and the rows are the ones the projector would have stored.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/platform/db/database';

export const LOG_START = Date.parse('2026-01-01T00:00:00Z');

export interface SeededLog {
  events: number;
  /** Seconds after LOG_START of the last event: instants of the history are within [0, this]. */
  lastSecond: number;
}

const insert = `insert into received_events (event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)`;
// The topic is stored empty where the stream id names it, the JSON without spaces, as the service does.
// No metadata: the queries of the past never read it. Stored as the service stores none (log-metadata.ts).
const noMetadata = `decode('0100', 'hex')`;
const friendData = `('{"friendshipId":' || n || ',"userId":' || a || ',"friendId":' || b || '}')::json`;
const at = (seconds: string) => `timestamptz '${new Date(LOG_START).toISOString()}' + (${seconds}) * interval '1 second'`;

export async function seedRecommendationLog(db: Database['db'], users: number, degree: number, progress: (line: string) => void): Promise<SeededLog> {
  const half = Math.max(1, Math.floor(degree / 2));
  // User events as the service logs them: without names.
  await db.execute(sql.raw(`${insert} select gen_random_uuid(), '', 'user-' || i, 1, 'UserCreated', 1,
    ('{"userId":' || i || '}')::json, ${noMetadata}, ${at('i')} from generate_series(1, ${users}) i`));
  const total = users + users * half + Math.floor((users * half) / 10);
  const pairs = `select i a, ((i - 1 + j * j * 37) % ${users}) + 1 b, (j - 1) * ${users} + i n from generate_series(1, ${users}) i, generate_series(1, ${half}) j`;
  // One statement per offset keeps each insert (and PGlite's memory) small.
  for (let j = 1; j <= half; j++) {
    await db.execute(sql.raw(`${insert} select gen_random_uuid(), '', 'friendship-' || least(a, b) || '-' || greatest(a, b), 1, 'FriendAdded', 1,
      ${friendData}, ${noMetadata}, ${at(`${users} + n`)} from (${pairs}) p where n > ${(j - 1) * users} and n <= ${j * users}`));
    progress(`writing the log: ${users + j * users} of ${total} events`);
  }
  const friendships = users * half;
  await db.execute(sql.raw(`${insert} select gen_random_uuid(), '', 'friendship-' || least(a, b) || '-' || greatest(a, b), 2, 'FriendRemoved', 1,
    ${friendData}, ${noMetadata}, ${at(`${users + friendships} + n / 10`)} from (${pairs}) p where n % 10 = 0`));
  await db.execute(sql`analyze received_events`);
  const removed = Math.floor(friendships / 10);
  return { events: users + friendships + removed, lastSecond: users + friendships + removed };
}
