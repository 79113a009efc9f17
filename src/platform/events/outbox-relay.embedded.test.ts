import { afterAll, beforeAll, expect, test } from 'bun:test';
import { openEmbeddedDatabase } from '../db/embedded';
import type { Database } from '../db/database';
import { silentLogger } from '../log';
import { appendToStream } from './event-store';
import type { EventEnvelope } from './envelope';
import { InProcessBus } from './in-process-bus';
import { OutboxRelay } from './outbox-relay';
import { outbox } from './event-store-schema';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/database';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';

let database: Database;
beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: eventStoreMigrations(), label: 'relay test' });
});
afterAll(() => database.close());

const commit = (streamId: string, version: number, n = 1) =>
  database.db.transaction((tx) =>
    appendToStream(tx, Array.from({ length: n }, (_, i) => ({ type: 'Happened', data: { i } })), {
      streamId, expectedVersion: version, topic: 'things', occurredAt: new Date(), metadata: { correlationId: 'c' },
    }),
  );

const waitFor = async (condition: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await condition()); i++) await Bun.sleep(10);
};

test('a commit wakes the relay at once (the safety poll is a minute away), in order per stream', async () => {
  const bus = new InProcessBus();
  const seen: EventEnvelope[] = [];
  await bus.subscribe({ group: 'g', topics: ['things'], handle: async (_t, batch) => void seen.push(...batch) });
  const relay = new OutboxRelay(database, bus, silentLogger, { pollMs: 60_000 });
  relay.start();
  await commit('a', 0, 3);
  relay.wake();
  await commit('b', 0, 2);
  relay.wake();
  await waitFor(() => seen.length === 5);
  expect(seen.filter((e) => e.streamId === 'a').map((e) => e.streamVersion)).toEqual([1, 2, 3]);
  expect(seen.filter((e) => e.streamId === 'b').map((e) => e.streamVersion)).toEqual([1, 2]);
  await relay.stop();
  expect(await database.db.select().from(outbox)).toHaveLength(0);
});

test('while the bus refuses, events stay in the outbox; they all go out, once each, when it recovers', async () => {
  const bus = new InProcessBus();
  let refusing = true;
  const seen: string[] = [];
  await bus.subscribe({
    group: 'g', topics: ['things'],
    handle: async (_t, batch) => {
      if (refusing) throw new Error('broker down');
      seen.push(...batch.map((e) => e.id));
    },
  });
  const relay = new OutboxRelay(database, bus, silentLogger, { pollMs: 60_000, maxBackoffMs: 50 });
  relay.start();
  const appended = [...(await commit('c', 0, 2)), ...(await commit('d', 0, 1))];
  relay.wake();
  await Bun.sleep(100);
  expect(await database.db.select().from(outbox)).toHaveLength(3);
  refusing = false;
  await waitFor(async () => (await database.db.select().from(outbox)).length === 0);
  expect(seen.sort()).toEqual(appended.map((e) => e.id).sort());
  await relay.stop();
});

test('a paused relay keeps committed events in the outbox', async () => {
  const bus = new InProcessBus();
  const relay = new OutboxRelay(database, bus, silentLogger, { paused: true });
  relay.start();
  await commit('e', 0, 2);
  relay.wake();
  await Bun.sleep(50);
  await relay.stop();
  expect(await database.db.select().from(outbox)).toHaveLength(2);
  await new OutboxRelay(database, bus, silentLogger).drain();
  expect(await database.db.select().from(outbox)).toHaveLength(0);
});

test('a commit notified while the relay checks its claim is in the read that follows: no second, empty read', async () => {
  const bus = new InProcessBus();
  const seen: EventEnvelope[] = [];
  await bus.subscribe({ group: 'g', topics: ['things'], handle: async (_t, batch) => void seen.push(...batch) });
  let reads = 0;
  // The relay's reads of the outbox, counted; everything else goes straight to the database.
  const db = new Proxy(database.db, { get: (target, key) => (key === 'select' ? (...args: unknown[]) => (reads++, (target.select as (...a: unknown[]) => unknown)(...args)) : Reflect.get(target, key)) });
  const relay = new OutboxRelay({ ...database, db }, bus, silentLogger, { pollMs: 60_000 });
  // Whether a drain is under way (private): a wake during one would rightly ask for another read.
  const idle = () => !(relay as unknown as { running?: Promise<void> }).running;
  relay.start(); // drains the outbox as it is, then waits
  await waitFor(idle);
  await commit('f', 0, 2);
  reads = 0;
  relay.wake(); // the drain starts with the claim check...
  relay.wake(); // ...while this commit's notification arrives: its rows are already committed
  await waitFor(() => seen.some((e) => e.streamId === 'f') && idle());
  expect(seen.filter((e) => e.streamId === 'f')).toHaveLength(2);
  expect(reads).toBe(1);
  await relay.stop();
});

test('on PGlite, which has no autovacuum, the relay vacuums the outbox so it does not grow with every event published', async () => {
  // Each relay in a database of its own, so the other's pages do not count.
  const pagesAfter = async (vacuumEvery: number) => {
    const own = await openEmbeddedDatabase({ migrationsFolder: eventStoreMigrations(), label: 'relay vacuum test' });
    try {
      const relay = new OutboxRelay(own, new InProcessBus(), silentLogger, { vacuumEvery });
      for (let i = 0; i < 20; i++) {
        await own.db.transaction((tx) =>
          appendToStream(tx, Array.from({ length: 100 }, (_, n) => ({ type: 'Happened', data: { n } })), {
            streamId: `s${i}`, expectedVersion: 0, topic: 'things', occurredAt: new Date(), metadata: { correlationId: 'c' },
          }),
        );
        await relay.drain();
      }
      const result = await own.db.execute(sql`select pg_relation_size('outbox') / 8192 as pages`);
      return Number(rowsOf<{ pages: string | number }>(result)[0]!.pages);
    } finally {
      await own.close();
    }
  };
  const kept = await pagesAfter(500);
  const never = await pagesAfter(0);
  // 2,000 rows published: about 11 pages of dead rows when nothing vacuums, 1 or 2 when the relay does.
  expect(never).toBeGreaterThan(7);
  expect(kept).toBeLessThanOrEqual(3);
});
