import { afterEach, beforeEach, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { systemClock } from '../../platform/clock';
import { rowsOf, type Database } from '../../platform/db/database';
import { openEmbeddedDatabase } from '../../platform/db/embedded';
import { StoreUnusableError } from '../../platform/db/store-error';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { verifyReadModel } from '../../platform/events/read-model-check';
import { createLogger, silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { createUserModule, userMigrationsFolder } from './index';
import { usersReadModel } from './user-read-model';
import { userAggregate } from './module';
import { testMasterKey } from '../../../test/kits/user-keys';

let database: Database;
let ids: number[];

/** Users 1..4, the first renamed twice, as the commands write them. */
beforeEach(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  const user = createUserModule({ masterKey: testMasterKey, database, bus: new InProcessBus(), clock: systemClock, log: silentLogger, relay: { paused: true } });
  ids = [];
  for (let i = 0; i < 4; i++) ids.push((await call(user.app, 'POST', '/v1/users', { firstName: `F${i}`, lastName: 'L' })).body.id);
  for (const name of ['G', 'H']) expect((await call(user.app, 'PUT', `/v1/users/${ids[0]}`, { id: ids[0], firstName: name, lastName: 'L' })).status).toBe(200);
});
afterEach(() => database.close());

const usersTable = async () => rowsOf<Record<string, unknown>>(await database.db.execute(sql`select * from users order by id`));
const run = sql.raw.bind(sql);

function capture() {
  const lines: any[] = [];
  return { lines, log: createLogger({ module: 'user' }, 'info', (line) => lines.push(JSON.parse(line))) };
}

test('a read model that agrees with its events passes silently', async () => {
  const { lines, log } = capture();
  await verifyReadModel('user', database, usersReadModel, userAggregate, log);
  expect(lines).toEqual([]);
});

test('missing and stale rows are rebuilt from the events, with a warning naming what was repaired', async () => {
  const before = await usersTable();
  await database.db.execute(run(`delete from users where id = ${ids[1]}`));
  await database.db.execute(run(`update users set version = 2, first_name = 'G' where id = ${ids[0]}`));
  const { lines, log } = capture();
  await verifyReadModel('user', database, usersReadModel, userAggregate, log);
  expect(await usersTable()).toEqual(before);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 'warn', table: 'users', streams: 2, examples: [`user-${ids[0]}`, `user-${ids[1]}`].sort() });
});

test('a row ahead of its stream (events lost) refuses, naming the module and where the data live', async () => {
  await database.db.execute(run('delete from outbox')); // as once the relay published them
  await database.db.execute(run(`delete from events where stream_id = 'user-${ids[0]}' and stream_version = 3`));
  await database.db.execute(run(`delete from events where stream_id = 'user-${ids[2]}'`));
  const error = await verifyReadModel('user', database, usersReadModel, userAggregate, silentLogger).catch((e) => e);
  expect(error).toBeInstanceOf(StoreUnusableError);
  expect(error.message).toContain('user: the event store in memory looks damaged: 2 users rows reflect events the store does not have');
  expect(error.message).toContain(`user-${ids[2]}`);
});

test('a stream with a gap in its versions refuses', async () => {
  await database.db.execute(run(`delete from events where stream_id = 'user-${ids[0]}' and stream_version = 2`));
  const error = await verifyReadModel('user', database, usersReadModel, userAggregate, silentLogger).catch((e) => e);
  expect(error.message).toContain(`1 streams have gaps in their versions (e.g. user-${ids[0]})`);
});

test('an outbox entry whose event is gone refuses', async () => {
  await database.db.execute(run(`delete from events where stream_id = 'user-${ids[3]}'`));
  await database.db.execute(run(`delete from users where id = ${ids[3]}`));
  const error = await verifyReadModel('user', database, usersReadModel, userAggregate, silentLogger).catch((e) => e);
  expect(error.message).toContain('1 outbox entries point at events that are gone');
});
