import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import postgres from 'postgres';
import type { Database } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { openPostgresDatabase } from '../../../platform/db/postgres';
import { systemClock } from '../../../platform/clock';
import { createLogger, silentLogger } from '../../../platform/log';
import { freshDatabaseUrl } from '../../../../test/kits/postgres';
import { eventFactory } from '../../../../test/kits/recommendation/events';
import { MemoryGraph } from '../graph/memory-graph';
import { storedMetadataHex } from '../projecting-events/log-metadata';
import { recommendationMigrationsFolder } from '../module';
import { DurableFeed } from './durable-feed';
import { LogReplica } from './log-replica';
import { currentSnapshot } from './log-tail';
import { ReplicaSnapshots } from './replica-snapshots';
import { encodeSnapshot, SNAPSHOT_FORMAT } from './snapshot-codec';
import { saveSnapshot } from './snapshot-store';

/** Needs a real PostgreSQL: `bun run infra:up` and `source .infra/env`. Skipped otherwise. */
const baseUrl = process.env.RECOMMENDATION_DATABASE_URL;

describe.skipIf(!baseUrl)('the replica tail on PostgreSQL (set RECOMMENDATION_DATABASE_URL to run)', () => {
  let database: Database;
  let raw: postgres.Sql;
  let url: string;

  beforeAll(async () => {
    url = await freshDatabaseUrl(baseUrl!, 'replica');
    database = await openPostgresDatabase({ url, migrationsFolder: recommendationMigrationsFolder, log: silentLogger });
    raw = postgres(url, { max: 2, onnotice: () => {} });
  });

  afterAll(async () => {
    await raw?.end();
    await database?.close();
  });

  /** Inserts a log row as an instance's consumer does, in the open transaction of `conn`; returns its position. */
  const logRow = async (conn: postgres.ReservedSql, e: EventEnvelope) =>
    Number((await conn`insert into received_events (event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
      values (${e.id}, '', ${e.streamId}, ${e.streamVersion}, ${e.type}, ${e.schemaVersion}, ${JSON.stringify(e.data)}::text::json, ${Buffer.from(storedMetadataHex(e.metadata), 'hex')}, ${e.occurredAt})
      returning position`)[0]!.position);

  const userIds = async (graph: MemoryGraph) => (await graph.snapshot()).users.map((u) => u.id);

  test('a row whose transaction took the lower position but commits last still reaches the replica', async () => {
    const e = eventFactory();
    const graph = new MemoryGraph();
    // Polled by hand below: the timer would only race with the test.
    const replica = new LogReplica({ db: database.db, graph, log: silentLogger, onApplied: () => {}, pollMs: 60_000 });
    await replica.start();
    const slow = await raw.reserve();
    const quick = await raw.reserve();
    try {
      await slow`begin`;
      await quick`begin`;
      const lower = await logRow(slow, e.userCreated(1));
      const higher = await logRow(quick, e.userCreated(2));
      expect(lower).toBeLessThan(higher);
      await quick`commit`;
      // The later row is read at once, although an older transaction is still open.
      await replica.readNew();
      expect(await userIds(graph)).toEqual([2]);
      await slow`commit`;
      await replica.readNew();
      expect(await userIds(graph)).toEqual([1, 2]);
    } finally {
      slow.release();
      quick.release();
      await replica.stop();
    }
  });

  test('a rolled-back row never shows; the rows of one transaction arrive together', async () => {
    const e = eventFactory();
    const graph = new MemoryGraph();
    const replica = new LogReplica({ db: database.db, graph, log: silentLogger, onApplied: () => {}, pollMs: 60_000, pageSize: 2 });
    await replica.start();
    const before = await userIds(graph);
    const conn = await raw.reserve();
    try {
      await conn`begin`;
      await logRow(conn, e.userCreated(10));
      await conn`rollback`;
      await conn`begin`;
      for (const id of [11, 12, 13, 14, 15]) await logRow(conn, e.userCreated(id));
      await replica.readNew();
      expect(await userIds(graph)).toEqual(before);
      await conn`commit`;
      // Five rows in pages of two: the read goes on until a short page.
      expect(await replica.readNew()).toBe(5);
      expect((await userIds(graph)).filter((id) => id >= 10)).toEqual([11, 12, 13, 14, 15]);
    } finally {
      conn.release();
      await replica.stop();
    }
  });

  test('a new replica reads the whole log, and polls on its own for what comes after', async () => {
    const e = eventFactory();
    const graph = new MemoryGraph();
    const replica = new LogReplica({ db: database.db, graph, log: silentLogger, onApplied: () => {}, pollMs: 10 });
    await replica.start();
    expect(await userIds(graph)).toEqual(expect.arrayContaining([1, 2, 11, 15]));
    const conn = await raw.reserve();
    try {
      await logRow(conn, e.userCreated(20));
      const deadline = Date.now() + 5_000;
      while (!(await userIds(graph)).includes(20) && Date.now() < deadline) await Bun.sleep(10);
      expect(await userIds(graph)).toContain(20);
    } finally {
      conn.release();
      await replica.stop();
    }
  });

  test('of two instances, one writes the replica snapshots; a snapshot from beyond the present of the server is ignored', async () => {
    const other = await openPostgresDatabase({ url, migrationsFolder: recommendationMigrationsFolder, log: silentLogger });
    const lines: { msg: string }[] = [];
    const log = createLogger({}, 'info', (line) => void lines.push(JSON.parse(line)));
    try {
      const graph = new MemoryGraph();
      await graph.apply([eventFactory().userCreated(30)]);
      const covers = await currentSnapshot(database.db);
      const instances = [database, other].map((db) => new ReplicaSnapshots({ database: db, clock: systemClock, log, everyEvents: 1 }));
      for (const snapshots of instances) snapshots.afterRead(1, () => ({ image: graph.image(), covers }));
      // Both attempts done before either lets its claim go (a writer holds it as long as it runs).
      await Promise.all(instances.map((snapshots) => snapshots.settled()));
      for (const snapshots of instances) await snapshots.stop();
      expect(lines.filter((l) => l.msg === 'replica snapshot saved')).toHaveLength(1);

      const restored = new MemoryGraph();
      expect(await new ReplicaSnapshots({ database: other, clock: systemClock, log }).restore(restored)).toBe(covers);
      expect(await userIds(restored)).toEqual([30]);

      // As after restoring an old backup of the database next to newer snapshots: not trusted.
      await saveSnapshot(database.db, { format: SNAPSHOT_FORMAT, position: 0, bytes: encodeSnapshot(graph.image(), 0), takenAt: new Date(), logSnapshot: '4000000000:4000000000:' });
      const ignored = new MemoryGraph();
      expect(await new ReplicaSnapshots({ database: other, clock: systemClock, log }).restore(ignored)).toBeUndefined();
      expect((await ignored.stats()).users).toBe(0);
      expect(lines.map((l) => l.msg)).toContain('ignored the replica snapshot: reading the whole log');
    } finally {
      await other.close();
    }
  });

  test('the durable graph is fed from the log by one instance at a time, from the cursor the last one stored', async () => {
    const other = await openPostgresDatabase({ url, migrationsFolder: recommendationMigrationsFolder, log: silentLogger });
    const e = eventFactory();
    // Whatever a graph held before its first feed from this log is not trusted: it is loaded anew.
    const graphs = [new MemoryGraph(), new MemoryGraph()];
    for (const graph of graphs) await graph.apply([e.userCreated(999)]);
    const feeds = [new DurableFeed({ database, graph: graphs[0]!, log: silentLogger }), new DurableFeed({ database: other, graph: graphs[1]!, log: silentLogger })];
    try {
      // Both at once: one writer; the other instance's feed does nothing while the first holds the claim.
      const rows = await Promise.all(feeds.map((feed) => feed.feedOnce()));
      expect(rows.filter((n) => n > 0)).toHaveLength(1);
      const writer = rows[0]! > 0 ? 0 : 1;
      const [written, idle] = [graphs[writer]!, graphs[1 - writer]!];
      expect(await userIds(written)).not.toContain(999);
      expect(await userIds(written)).toEqual(expect.arrayContaining([1, 2, 11, 15, 20]));
      expect(await userIds(idle)).toEqual([999]);

      // The writer stops (or dies); the other takes over from the stored cursor: only what is new.
      await feeds[writer]!.stop();
      const conn = await raw.reserve();
      try {
        await logRow(conn, e.userCreated(40));
      } finally {
        conn.release();
      }
      expect(await feeds[1 - writer]!.feedOnce()).toBe(1);
      expect(await userIds(idle)).toEqual([40, 999]);
    } finally {
      for (const feed of feeds) await feed.stop();
      await other.close();
    }
  });

  test('a feed cut short in a long read is taken over where it was, not from the start', async () => {
    const other = await openPostgresDatabase({ url, migrationsFolder: recommendationMigrationsFolder, log: silentLogger });
    const e = eventFactory();
    const conn = await raw.reserve();
    try {
      for (const id of [50, 51, 52, 53, 54]) await logRow(conn, e.userCreated(id));
    } finally {
      conn.release();
    }
    // Dies on its second page, after the first was applied and its progress stored.
    let pages = 0;
    const dying = new MemoryGraph();
    const failing = Object.assign(Object.create(dying) as MemoryGraph, {
      apply: async (events: Parameters<MemoryGraph['apply']>[0]) => {
        if (++pages === 2) throw new Error('the writer dies');
        await dying.apply(events);
      },
    });
    const first = new DurableFeed({ database, graph: failing, log: silentLogger, pageSize: 2 });
    await expect(first.feedOnce()).rejects.toThrow('the writer dies');
    await first.stop();
    expect(await userIds(dying)).toEqual([50, 51]);

    const successor = new MemoryGraph();
    const second = new DurableFeed({ database: other, graph: successor, log: silentLogger, pageSize: 2 });
    try {
      expect(await second.feedOnce()).toBe(3);
      expect(await userIds(successor)).toEqual([52, 53, 54]);
      expect(await second.feedOnce()).toBe(0);
    } finally {
      await second.stop();
      await other.close();
    }
  });
});
