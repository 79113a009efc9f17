import { afterAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { systemClock } from '../../platform/clock';
import { rowsOf } from '../../platform/db/database';
import { openPostgresDatabase } from '../../platform/db/postgres';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { verifyReadModel } from '../../platform/events/read-model-check';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { freshDatabaseUrl } from '../../../test/kits/postgres';
import { createUserModule, userMigrationsFolder } from './index';
import { usersReadModel } from './user-read-model';
import { userAggregate } from './module';
import { testMasterKey } from '../../../test/kits/user-keys';

/** The same check on PostgreSQL. Needs `bun run infra:up` and `source .infra/env`; skipped otherwise. */
const baseUrl = process.env.USER_DATABASE_URL;
const made: string[] = [];
afterAll(async () => {
  if (!baseUrl || made.length === 0) return;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  for (const url of made) await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  await admin.end();
});

async function withUsers(work: (database: Awaited<ReturnType<typeof openPostgresDatabase>>, ids: number[]) => Promise<void>) {
  const url = await freshDatabaseUrl(baseUrl!, 'readmodel');
  made.push(url);
  const database = await openPostgresDatabase({ url, migrationsFolder: userMigrationsFolder, log: silentLogger });
  try {
    const user = createUserModule({ masterKey: testMasterKey, database, bus: new InProcessBus(), clock: systemClock, log: silentLogger, relay: { paused: true } });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call(user.app, 'POST', '/v1/users', { firstName: `F${i}`, lastName: 'L' })).body.id);
    await database.db.execute(sql`delete from outbox`);
    await work(database, ids);
  } finally {
    await database.close();
  }
}

describe.skipIf(!baseUrl)('read-model check on PostgreSQL (set USER_DATABASE_URL to run)', () => {
  test('lost rows are rebuilt from the events', () =>
    withUsers(async (database, ids) => {
      const before = rowsOf(await database.db.execute(sql`select * from users order by id`));
      await database.db.execute(sql.raw(`delete from users where id = ${ids[1]}`));
      await verifyReadModel('user', database, usersReadModel, userAggregate, silentLogger);
      expect(rowsOf(await database.db.execute(sql`select * from users order by id`))).toEqual(before);
    }));

  test('lost events refuse the start, naming the database without its password', () =>
    withUsers(async (database, ids) => {
      await database.db.execute(sql.raw(`delete from events where stream_id = 'user-${ids[2]}'`));
      const error = await verifyReadModel('user', database, usersReadModel, userAggregate, silentLogger).catch((e) => e);
      expect(error.message).toContain(`user: the event store in ${database.location} looks damaged: 1 users rows reflect events the store does not have (e.g. user-${ids[2]})`);
      const password = new URL(baseUrl!).password;
      if (password) expect(error.message).not.toContain(`:${password}@`);
    }));
});
