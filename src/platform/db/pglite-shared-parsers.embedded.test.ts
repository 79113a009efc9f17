import { afterAll, expect, test } from 'bun:test';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { timestamp, pgTable, integer, date, interval } from 'drizzle-orm/pg-core';
import { withSharedParsers } from './pglite-shared-parsers';

const plainClient = new PGlite();
const sharedClient = new PGlite();
afterAll(async () => {
  await plainClient.close();
  await sharedClient.close();
});

const things = pgTable('things', {
  id: integer('id').primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  localAt: timestamp('local_at', { mode: 'string' }).notNull(),
  day: date('day').notNull(),
  span: interval('span').notNull(),
});

async function exercise(client: PGlite) {
  await client.waitReady;
  const db = drizzle({ client: client === sharedClient ? withSharedParsers(client) : client });
  await db.execute(sql`create table things (id integer primary key, at timestamptz not null, local_at timestamp not null, day date not null, span interval not null)`);
  const row = { id: 1, at: new Date('2025-03-04T05:06:07.089Z'), localAt: '2025-03-04 05:06:07.089', day: '2025-03-04', span: '1 day 02:03:04' };
  const out: unknown[] = [];
  out.push(await db.insert(things).values(row).returning());
  out.push(await db.select().from(things));
  out.push(await db.transaction(async (tx) => tx.select().from(things)));
  // Raw execute (rowMode object) and arrays of every type drizzle passes as text.
  out.push((await db.execute(sql`select at, day, span, array[at] as ats, array[day] as days, array[span] as spans, array[1.5::numeric] as nums, array[local_at] as locals from things`)).rows);
  out.push((await db.execute(sql`select 1::int8 as big, '{"a":1}'::jsonb as j, true as b`)).rows);
  return out;
}

test('drizzle reads the same values with the parsers installed once as with parsers on every query', async () => {
  const [plain, shared] = await Promise.all([exercise(plainClient), exercise(sharedClient)]);
  expect(shared).toEqual(plain);
  expect((shared[1] as { at: Date }[])[0]!.at).toEqual(new Date('2025-03-04T05:06:07.089Z'));
});

test('queries reach PGlite without per-query parsers (the copy this wrapper exists to avoid)', async () => {
  const seen: unknown[] = [];
  const client = new PGlite();
  await client.waitReady;
  const original = client.query.bind(client);
  (client as unknown as { query: unknown }).query = (text: string, params?: unknown[], options?: { parsers?: unknown }) => {
    seen.push(options?.parsers);
    return original(text, params, options as never);
  };
  const db = drizzle({ client: withSharedParsers(client) });
  await db.execute(sql`select now() as at`);
  expect(seen).toEqual([undefined]);
  await client.close();
});
