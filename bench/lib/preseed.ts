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
/**
 * Metadata as the service stores it for an event a request caused: a correlation id, a causation
 * id and a W3C traceparent, each its own, in the binary form of projecting-events/log-metadata.ts
 * (tag 01, mask 0b: both ids and the traceparent; preseed.int.test.ts checks the service would
 * store the same bytes). Distinct ids are the larger case: a request without a correlation id of
 * its own stores its causation id as a bit. A constant would understate the log's size on disk.
 */
const hexOfUuid = `replace(gen_random_uuid()::text, '-', '')`;
const METADATA = `decode('010b' || ${hexOfUuid} || ${hexOfUuid} || '00' || md5(random()::text) || left(md5(random()::text), 16) || '01', 'hex')`;
/** One event a millisecond, as a live system spreads them: rows of one statement sharing an instant would shrink the time indexes. */
const AT = `now() - interval '1 day' + (clock_timestamp() - statement_timestamp())`;

// Rows are built by Postgres from arrays (one bind parameter per column), not by JS: a million
// parameters a statement would not fit the protocol's 65,535 limit, and this is far faster.
// As the service logs them: user events without names (names stay with the user service).
// The topic is stored empty where the stream id names it (projecting-events/log-topics.ts), and
// the JSON as the service writes it, without spaces (json_build_object would add some).
const USERS_SQL = `insert into received_events (event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
  select gen_random_uuid(), '', 'user-' || id, 1, 'UserCreated', 1,
    ('{"userId":' || id || '}')::json, ${METADATA}, ${AT}
  from unnest($1::int[]) as t(id)`;
const FRIENDS_SQL = `insert into received_events (event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
  select gen_random_uuid(), '', 'friendship-' || a || '-' || b, 1, 'FriendAdded', 1,
    ('{"friendshipId":' || n || ',"userId":' || a || ',"friendId":' || b || '}')::json, ${METADATA}, ${AT}
  from unnest($1::int[], $2::int[], $3::int[]) as t(a, b, n)`;

/**
 * The log's secondary indexes, as the migrations create them, dropped for the bulk load and built
 * once at the end: one sorted build instead of millions of random insertions (a 100k-user log took
 * ~14 minutes to write with them in place on a busy machine).
 */
const DEFERRED_INDEXES = {
  drop: [
    'alter table received_events drop constraint received_events_event_id_unique',
    'drop index received_events_stream_first_id',
    'drop index received_events_stream_second_id',
    'drop index received_events_xid',
  ],
  create: [
    'alter table received_events add constraint received_events_event_id_unique unique (event_id)',
    `create index received_events_stream_first_id on received_events using btree (split_part(stream_id, '-', 2))`,
    `create index received_events_stream_second_id on received_events using btree (split_part(stream_id, '-', 3))`,
    'create index received_events_xid on received_events using btree (xid)',
  ],
};

export async function preseedRecommendationLog(dataDir: string, graph: SyntheticGraph, log: (line: string) => void = () => {}): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  const database = await openEmbeddedDatabase({ dataDir: join(dataDir, 'recommendation'), migrationsFolder: recommendationMigrationsFolder, label: 'bench preseed' });
  const client = (database.db as unknown as { $client: { query(sql: string, params?: unknown[]): Promise<unknown> } }).$client;
  const progress = (done: number, total: number) => log(`  preseed: ${done} of ${total} events (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  try {
    for (const statement of DEFERRED_INDEXES.drop) await client.query(statement);
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
      if ((from / ROWS_PER_STATEMENT) % 10 === 9) progress(graph.users + to, graph.users + edges);
    }
    log('  preseed: building the indexes');
    for (const statement of DEFERRED_INDEXES.create) await client.query(statement);
    // The load's WAL is no longer needed once its pages are written: a checkpoint lets it be recycled.
    await client.query('checkpoint');
    return { events: graph.users + edges, ms: performance.now() - started };
  } finally {
    await database.close();
  }
}
