import { afterAll, beforeAll, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { systemClock } from '../../../platform/clock';
import { rowsOf, type Database } from '../../../platform/db/database';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { silentLogger } from '../../../platform/log';
import { call } from '../../../../test/kits/http';
import { createFriendModule, friendMigrationsFolder } from '../index';

/**
 * The race between addFriend and an erasure: the erasure is processed (replica row deleted, the
 * user's friendships listed and ended) after addFriend checked that both users exist and before
 * it committed. Here the user service, asked about the second user, plays that erasure of the
 * first at exactly that moment.
 */
let database: Database;
let friend: ReturnType<typeof createFriendModule>;
const ERASED = 31;
const ASKED_ABOUT = 32;

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: friendMigrationsFolder, label: 'friend' });
  const fakeFetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.host === 'discovery.test') return Response.json([{ instanceId: 'user-1', service: 'user', url: 'http://user.test', registeredAt: new Date().toISOString(), lastHeartbeatAt: new Date().toISOString() }]);
    if (url.pathname === '/actuator/health') return Response.json({ status: 'UP' });
    if (url.pathname === `/v1/users/${ASKED_ABOUT}`) {
      // The erasure of ERASED runs now: out of the replica, and it has no friendship yet to end.
      await database.db.execute(sql`delete from known_users where id = ${ERASED}`);
      return Response.json({ id: ASKED_ABOUT });
    }
    return new Response(null, { status: 404 });
  };
  friend = createFriendModule({ database, bus: new InProcessBus(), clock: systemClock, log: silentLogger, fetch: fakeFetch, discoveryUrl: 'http://discovery.test' });
  await friend.connect();
  await database.db.execute(sql`insert into known_users (id) values (${ERASED})`);
});
afterAll(async () => {
  await friend.stop();
  await database.close();
});

test('a friendship committed just after its user was erased is ended at once, and the answer is 410', async () => {
  const res = await call(friend.app, 'POST', `/v1/users/${ERASED}/commands/addFriend?friendId=${ASKED_ABOUT}`);
  expect(res.status).toBe(410);
  expect(res.body.detail).toBe(`user ${ERASED} was erased`);
  expect((await call(friend.app, 'GET', `/v1/users/${ASKED_ABOUT}/friends`)).body).toEqual([]);
  const types = rowsOf<{ type: string }>(await database.db.execute(sql`select type from events order by position`)).map((r) => r.type);
  expect(types).toEqual(['FriendAdded', 'FriendRemoved']);
});
