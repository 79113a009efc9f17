import { afterEach, beforeEach, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { systemClock } from '../../platform/clock';
import { rowsOf, type Database } from '../../platform/db/database';
import { openEmbeddedDatabase } from '../../platform/db/embedded';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { verifyReadModel } from '../../platform/events/read-model-check';
import { createLocalFetch } from '../../platform/http/local-fetch';
import { createLogger, silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { USER_EVENTS_TOPIC } from '../user/contracts/events';
import { createFriendModule, friendMigrationsFolder } from './index';
import { friendshipsReadModel } from './friendship-read-model';
import { friendshipAggregate } from './module';
import { userCreatedEnvelope } from '../../../test/kits/envelopes';

let database: Database;

const userCreated = (userId: number) => userCreatedEnvelope(userId);

/** Friendships 1-2 (removed, then added again), 1-3, 2-3 (removed), as the commands write them. */
beforeEach(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: friendMigrationsFolder, label: 'friend' });
  const bus = new InProcessBus();
  const localFetch = createLocalFetch(async () => { throw new Error('offline'); });
  const friend = createFriendModule({ database, bus, clock: systemClock, log: silentLogger, fetch: localFetch.fetch, discoveryUrl: 'http://discovery.test', relay: { paused: true } });
  await friend.connect();
  await bus.publish(USER_EVENTS_TOPIC, [1, 2, 3].map(userCreated));
  const command = async (verb: string, a: number, b: number) => expect((await call(friend.app, 'POST', `/v1/users/${a}/commands/${verb}?friendId=${b}`)).status).toBeLessThan(300);
  await command('addFriend', 1, 2);
  await command('removeFriend', 2, 1);
  await command('addFriend', 2, 1);
  await command('addFriend', 1, 3);
  await command('addFriend', 2, 3);
  await command('removeFriend', 3, 2);
  await database.db.execute(sql`delete from outbox`); // as once the relay published them
});
afterEach(() => database.close());

const friendships = async () => rowsOf<Record<string, unknown>>(await database.db.execute(sql`select * from friendships order by id`));

function capture() {
  const lines: any[] = [];
  return { lines, log: createLogger({ module: 'friend' }, 'info', (line) => lines.push(JSON.parse(line))) };
}

test('friendships that agree with their events pass silently', async () => {
  const { lines, log } = capture();
  await verifyReadModel('friend', database, friendshipsReadModel, friendshipAggregate, log);
  expect(lines).toEqual([]);
  expect(await friendships()).toHaveLength(2);
});

test('a lost row and a row that should be gone are repaired from the events', async () => {
  const before = await friendships();
  await database.db.execute(sql.raw(`delete from friendships where user_id = 1 and friend_id = 3`));
  // The removed 2-3 friendship back, as if its removal had never reached the table.
  const removed = rowsOf<{ id: number }>(await database.db.execute(sql`select (data->>'friendshipId')::int as id from events where stream_id = 'friendship-2-3' and stream_version = 1`))[0]!.id;
  await database.db.execute(sql.raw(`insert into friendships values (${removed}, 2, 3, now(), now())`));
  const { lines, log } = capture();
  await verifyReadModel('friend', database, friendshipsReadModel, friendshipAggregate, log);
  expect(await friendships()).toEqual(before);
  expect(lines[0]).toMatchObject({ level: 'warn', table: 'friendships', streams: 2, examples: ['friendship-1-3', 'friendship-2-3'] });
});

test('a friendship whose events are gone refuses', async () => {
  await database.db.execute(sql`delete from events where stream_id = 'friendship-1-3'`);
  const error = await verifyReadModel('friend', database, friendshipsReadModel, friendshipAggregate, silentLogger).catch((e) => e);
  expect(error.message).toContain('friend: the event store in memory looks damaged: 1 friendships rows reflect events the store does not have (e.g. friendship-1-3)');
});

test('a friendship whose last add was lost refuses rather than dropping it', async () => {
  await database.db.execute(sql`delete from events where stream_id = 'friendship-1-2' and stream_version = 3`);
  const error = await verifyReadModel('friend', database, friendshipsReadModel, friendshipAggregate, silentLogger).catch((e) => e);
  expect(error.message).toContain('(e.g. friendship-1-2)');
});
