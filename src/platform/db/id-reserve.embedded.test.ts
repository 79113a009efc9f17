import { afterAll, beforeAll, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { rowsOf, type Database } from './database';
import { openEmbeddedDatabase } from './embedded';
import { idReserve } from './id-reserve';

let database: Database;
beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: eventStoreMigrations(), label: 'id-reserve' });
  await database.db.execute(sql`create sequence test_ids`);
});
afterAll(() => database.close());

test('concurrent callers get distinct increasing ids, one statement per block', async () => {
  const next = idReserve(database, 'test_ids', 8);
  const ids = await Promise.all(Array.from({ length: 20 }, () => next()));
  expect(new Set(ids).size).toBe(20);
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  // 20 ids in blocks of 8: three blocks drawn, so the sequence stands at 24.
  const [last] = rowsOf<{ last_value: string }>(await database.db.execute(sql`select last_value from test_ids`));
  expect(Number(last!.last_value)).toBe(24);
});

test('two reserves on one sequence (two instances) never hand out the same id', async () => {
  const a = idReserve(database, 'test_ids', 4);
  const b = idReserve(database, 'test_ids', 4);
  const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a() : b())));
  expect(new Set(ids).size).toBe(30);
});

test('a failed refill is retried by the next caller', async () => {
  const next = idReserve(database, 'missing_sequence', 4);
  await expect(next()).rejects.toThrow();
  await database.db.execute(sql`create sequence missing_sequence`);
  expect(await next()).toBe(1);
});

test('on a database other processes may share, each id is drawn when needed, so ids follow allocation order across instances', async () => {
  await database.db.execute(sql`create sequence shared_ids`);
  const shared = { db: database.db, ownedByThisProcess: false };
  const [a, b] = [idReserve(shared, 'shared_ids'), idReserve(shared, 'shared_ids')];
  const ids = [await a(), await b(), await a(), await b()];
  expect(ids).toEqual([1, 2, 3, 4]);
});

test('on a shared database, the callers of one turn share one statement and draw no id they do not use', async () => {
  await database.db.execute(sql`create sequence turn_ids`);
  let statements = 0;
  const counted = { execute: (query: Parameters<Database['db']['execute']>[0]) => (statements++, database.db.execute(query)) } as unknown as Database['db'];
  const next = idReserve({ db: counted, ownedByThisProcess: false }, 'turn_ids');
  const ids = await Promise.all(Array.from({ length: 5 }, () => next()));
  expect(ids).toEqual([1, 2, 3, 4, 5]);
  expect(statements).toBe(1);
  expect(await next()).toBe(6);
  expect(statements).toBe(2);
});

test('on a shared database, a failed draw fails each of its callers and the next turn draws again', async () => {
  const next = idReserve({ db: database.db, ownedByThisProcess: false }, 'missing_shared_ids');
  const settled = await Promise.allSettled([next(), next()]);
  expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  await database.db.execute(sql`create sequence missing_shared_ids`);
  expect(await Promise.all([next(), next()])).toEqual([1, 2]);
});
