/**
 * Writes a synthetic graph's events straight into the recommendation module's own event log (its
 * PGlite data directory), so that an all-in-one started on that directory rebuilds the graph at
 * start, exactly as after a restart. Going through the API instead would take hours at 100k users
 * (2.5 million addFriend commands). The user and friend services stay empty: only the
 * recommendation graph's memory is being measured.
 */
import { join } from 'node:path';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { recommendationMigrationsFolder } from '../../src/modules/recommendation';
import type { SyntheticGraph } from './synthetic-graph';

const ROWS_PER_STATEMENT = 50_000;
const METADATA = '{"correlationId":"bench"}';

// Rows are built by Postgres from arrays (one bind parameter per column), not by JS: a million
// parameters a statement would not fit the protocol's 65,535 limit, and this is far faster.
const USERS_SQL = `insert into received_events (event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at, received_at)
  select gen_random_uuid(), 'user-events', 'user-' || id, 1, 'UserCreated', 1,
    jsonb_build_object('userId', id, 'firstName', 'First' || id, 'lastName', 'Last' || id), '${METADATA}'::jsonb, now(), now()
  from unnest($1::int[]) as t(id)`;
const FRIENDS_SQL = `insert into received_events (event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at, received_at)
  select gen_random_uuid(), 'friend-events', 'friendship-' || a || '-' || b, 1, 'FriendAdded', 1,
    jsonb_build_object('friendshipId', n, 'userId', a, 'friendId', b), '${METADATA}'::jsonb, now(), now()
  from unnest($1::int[], $2::int[], $3::int[]) as t(a, b, n)`;

export async function preseedRecommendationLog(dataDir: string, graph: SyntheticGraph): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  const database = await openEmbeddedDatabase({ dataDir: join(dataDir, 'recommendation'), migrationsFolder: recommendationMigrationsFolder, label: 'bench preseed' });
  const client = (database.db as unknown as { $client: { query(sql: string, params: unknown[]): Promise<unknown> } }).$client;
  try {
    for (let from = 1; from <= graph.users; from += ROWS_PER_STATEMENT) {
      const ids = Array.from({ length: Math.min(ROWS_PER_STATEMENT, graph.users - from + 1) }, (_, i) => from + i);
      await client.query(USERS_SQL, [ids]);
    }
    const edges = graph.pairs.length / 2;
    for (let from = 0; from < edges; from += ROWS_PER_STATEMENT) {
      const to = Math.min(edges, from + ROWS_PER_STATEMENT);
      const a: number[] = [];
      const b: number[] = [];
      const n: number[] = [];
      for (let e = from; e < to; e++) {
        a.push(graph.pairs[2 * e]!);
        b.push(graph.pairs[2 * e + 1]!);
        n.push(e + 1);
      }
      await client.query(FRIENDS_SQL, [a, b, n]);
    }
    return { events: graph.users + edges, ms: performance.now() - started };
  } finally {
    await database.close();
  }
}
