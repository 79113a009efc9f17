import { afterAll, describe, expect, test } from 'bun:test';
import { systemClock } from '../../src/platform/clock';
import { rowsOf, type Database } from '../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { openPostgresDatabase } from '../../src/platform/db/postgres';
import { InProcessBus } from '../../src/platform/events/in-process-bus';
import { createLocalFetch } from '../../src/platform/http/local-fetch';
import { silentLogger } from '../../src/platform/log';
import { call } from '../kits/http';
import { freshDatabaseUrl } from '../kits/postgres';
import { createFriendModule, friendMigrationsFolder } from '../../src/modules/friend';
import { createUserModule, USER_EVENTS_TOPIC, userMigrationsFolder } from '../../src/modules/user';
import { userCreatedEnvelope } from '../kits/envelopes';
import { testMasterKey } from '../kits/user-keys';

/**
 * Optimistic concurrency at the API, where the race is real: on PostgreSQL two instances of a
 * module share one database through separate connection pools, as two processes would, and their
 * transactions overlap. Embedded PGlite runs them through one connection, so it shows the same
 * outcome with the transactions merely interleaved.
 */
/** Opens `instances` handles on one fresh database: separate pools on PostgreSQL, one shared PGlite. */
type Engine = { name: string; instances: number; open: (migrationsFolder: string) => Promise<Database[]> };

const postgresBase = process.env.USER_DATABASE_URL?.trim();
const engines: Engine[] = [{
  name: 'PGlite',
  instances: 1,
  open: async (migrationsFolder) => [await openEmbeddedDatabase({ migrationsFolder, label: 'concurrency' })],
}];
if (postgresBase) {
  engines.push({
    name: 'PostgreSQL, two instances',
    instances: 2,
    open: async (migrationsFolder) => {
      const url = await freshDatabaseUrl(postgresBase, 'concurrency');
      const first = await openPostgresDatabase({ url, migrationsFolder, log: silentLogger });
      return [first, await openPostgresDatabase({ url, migrationsFolder, log: silentLogger })];
    },
  });
}

const opened: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const resource of opened.reverse()) await resource.close();
});

async function databasesFor(engine: Engine, migrationsFolder: string): Promise<Database[]> {
  const databases = await engine.open(migrationsFolder);
  opened.push(...databases);
  return databases;
}

const userCreated = (userId: number) => userCreatedEnvelope(userId);

const count = async (database: Database, query: string) => rowsOf<{ n: number }>(await database.db.execute(query as any))[0]!.n;

for (const engine of engines) {
  describe(`concurrent commands on ${engine.name}`, () => {
    test('simultaneous PUTs with the same If-Match: exactly one wins, the others get 412, one event', async () => {
      const databases = await databasesFor(engine, userMigrationsFolder);
      const users = databases.map((database) => createUserModule({ masterKey: testMasterKey, database, bus: new InProcessBus(), clock: systemClock, log: silentLogger }));
      for (const user of users) user.start();
      opened.push({ close: () => Promise.all(users.map((u) => u.stop())) });

      const created = await call(users[0]!.app, 'POST', '/v1/users', { firstName: 'Grace', lastName: 'Hopper' });
      expect(created.headers.get('etag')).toBe('"1"');
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        call(users[i % users.length]!.app, 'PUT', `/v1/users/${created.body.id}`, { firstName: 'Grace', lastName: `Hopper ${i}` }, { 'if-match': '"1"' })));

      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);
      const winner = replies.find((r) => r.status === 200)!;
      expect(winner.headers.get('etag')).toBe('"2"');
      // The read model holds the winner's write, and the stream one update event.
      const read = await call(users[0]!.app, 'GET', `/v1/users/${created.body.id}`);
      expect(read.body.lastName).toBe(winner.body.lastName);
      expect(await count(databases[0]!, `select count(*)::int as n from events where stream_id = 'user-${created.body.id}'`)).toBe(2);
    });

    test('simultaneous addFriend(A,B) and addFriend(B,A): exactly one 201 and one FriendAdded event', async () => {
      const databases = await databasesFor(engine, friendMigrationsFolder);
      const offline = createLocalFetch(async () => { throw new Error('offline'); });
      const buses = databases.map(() => new InProcessBus());
      const friends = databases.map((database, i) => createFriendModule({
        database, bus: buses[i]!, clock: systemClock, log: silentLogger, fetch: offline.fetch, discoveryUrl: 'http://discovery.test',
      }));
      for (const friend of friends) {
        await friend.connect();
        friend.start();
      }
      opened.push({ close: () => Promise.all(friends.map((f) => f.stop())) });
      // Both users are known to the replica, which the instances share through their database.
      await buses[0]!.publish(USER_EVENTS_TOPIC, [userCreated(11), userCreated(12)]);

      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        call(friends[i % friends.length]!.app, 'POST', i % 2 ? '/v1/users/11/commands/addFriend?friendId=12' : '/v1/users/12/commands/addFriend?friendId=11')));
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      expect(await count(databases[0]!, `select count(*)::int as n from events where type = 'FriendAdded'`)).toBe(1);
      expect((await call(friends[friends.length - 1]!.app, 'GET', '/v1/users/12/friends')).body).toHaveLength(1);
    });
  });
}
