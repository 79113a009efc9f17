import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { DomainError } from '../../src/platform/errors';
import { appendToStream, readStream } from '../../src/platform/events/event-store';
import { outbox } from '../../src/platform/events/event-store-schema';
import { rowsOf, type Database } from '../../src/platform/db/database';
import { migrate } from '../../src/platform/db/migrate';

/**
 * What every database adapter must do for the event store, run against PGlite and PostgreSQL
 * alike. `open` gives a database already migrated with the event-store tables.
 */
export function eventStoreConformance(name: string, open: () => Promise<{ database: Database; migrationsFolder: string }>) {
  describe(`event store on ${name}`, () => {
    let database: Database;
    let migrationsFolder: string;
    const stream = () => `s-${crypto.randomUUID()}`;
    const meta = { correlationId: 'contract' };
    const append = (db: Database['db'], streamId: string, expectedVersion: number, n = 1) =>
      db.transaction((tx) =>
        appendToStream(tx, Array.from({ length: n }, (_, i) => ({ type: 'Happened', data: { i } })), {
          streamId, expectedVersion, topic: 't', occurredAt: new Date('2026-01-02T03:04:05.678Z'), metadata: meta,
        }),
      );

    beforeAll(async () => ({ database, migrationsFolder } = await open()));
    afterAll(() => database.close());

    test('migrations are idempotent', async () => {
      expect(await migrate(database.db, migrationsFolder)).toBe(0);
    });

    test('appends and reads back a stream in version order, with the envelope intact', async () => {
      const id = stream();
      const appended = await append(database.db, id, 0, 3);
      const read = await readStream(database.db, id);
      expect(read).toEqual(appended);
      expect(read.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
      expect(read[0]).toMatchObject({ type: 'Happened', data: { i: 0 }, metadata: meta, occurredAt: '2026-01-02T03:04:05.678Z' });
    });

    test('each appended event gets an outbox entry in the same transaction', async () => {
      const before = (await database.db.select().from(outbox)).length;
      await append(database.db, stream(), 0, 2);
      expect((await database.db.select().from(outbox)).length).toBe(before + 2);
    });

    test('appending at a stale version is a conflict and writes nothing', async () => {
      const id = stream();
      await append(database.db, id, 0);
      const error = await append(database.db, id, 0).catch((e) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error.kind).toBe('conflict');
      expect(await readStream(database.db, id)).toHaveLength(1);
    });

    test('of concurrent appends at the same version exactly one commits', async () => {
      const id = stream();
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => append(database.db, id, 0)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await readStream(database.db, id)).toHaveLength(1);
    });

    test('a failed transaction leaves neither event nor outbox entry', async () => {
      const id = stream();
      const before = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from outbox`))[0]!.n;
      await database.db
        .transaction(async (tx) => {
          await appendToStream(tx, [{ type: 'Happened', data: {} }], { streamId: id, expectedVersion: 0, topic: 't', occurredAt: new Date(), metadata: meta });
          throw new Error('read-model update failed');
        })
        .catch(() => {});
      expect(await readStream(database.db, id)).toHaveLength(0);
      expect(rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from outbox`))[0]!.n).toBe(before);
    });

    test('health ping answers', async () => {
      expect(await database.ping()).toBe(true);
    });
  });
}
