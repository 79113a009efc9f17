import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { systemClock } from '../../platform/clock';
import { rowsOf, type Database } from '../../platform/db/database';
import { openEmbeddedDatabase } from '../../platform/db/embedded';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { createLocalFetch } from '../../platform/http/local-fetch';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { USER_EVENTS_TOPIC } from '../user/contracts/events';
import { createFriendModule, friendMigrationsFolder } from './index';
import { userCreatedEnvelope } from '../../../test/kits/envelopes';

let database: Database;
let friend: ReturnType<typeof createFriendModule>;
const bus = new InProcessBus();
const known = [1, 2, 3, 4, 5, 6, 7, 8];

const userCreated = (userId: number, streamVersion = 1) => userCreatedEnvelope(userId, { streamVersion });

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: friendMigrationsFolder, label: 'friend' });
  // No discovery here: users the replica has not seen make the module answer 503, tested below.
  const localFetch = createLocalFetch(async () => { throw new Error('offline'); });
  friend = createFriendModule({ database, bus, clock: systemClock, log: silentLogger, fetch: localFetch.fetch, discoveryUrl: 'http://discovery.test' });
  await friend.connect();
  friend.start();
  // The replica learns users from user events, delivered twice to show redelivery is harmless.
  await bus.publish(USER_EVENTS_TOPIC, known.map((id) => userCreated(id)));
  await bus.publish(USER_EVENTS_TOPIC, known.map((id) => userCreated(id)));
});
afterAll(async () => {
  await friend.stop();
  await database.close();
});

const friendEvents = async () =>
  rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from events`))[0]!.n;
const add = (a: number | string, b: number | string) => call(friend.app, 'POST', `/v1/users/${a}/commands/addFriend?friendId=${b}`);
const remove = (a: number, b: number) => call(friend.app, 'POST', `/v1/users/${a}/commands/removeFriend?friendId=${b}`);

describe('addFriend', () => {
  test('201 with the friendship; both users then list each other', async () => {
    const res = await add(1, 2);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ userId: 1, friendId: 2 });
    expect(res.headers.get('location')).toBe(`/v1/friends/${res.body.id}`);
    expect((await call(friend.app, 'GET', res.headers.get('location')!)).body).toEqual(res.body);
    const ofOne = await call(friend.app, 'GET', '/v1/users/1/friends');
    const ofTwo = await call(friend.app, 'GET', '/v1/users/2/friends');
    expect(ofOne.body).toEqual([res.body]);
    expect(ofTwo.body).toEqual([{ ...res.body, userId: 2, friendId: 1 }]);
    expect((await call(friend.app, 'GET', `/v1/friends/${res.body.id}`)).body).toEqual(res.body);
  });

  test('409 in either direction once friends, and no new event', async () => {
    await add(3, 4);
    const before = await friendEvents();
    expect((await add(3, 4)).status).toBe(409);
    const reverse = await add(4, 3);
    expect(reverse.status).toBe(409);
    expect(reverse.headers.get('content-type')).toContain('application/problem+json');
    expect(await friendEvents()).toBe(before);
  });

  test('of many simultaneous adds in both directions exactly one succeeds', async () => {
    const before = await friendEvents();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? add(5, 6) : add(6, 5))));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(await friendEvents()).toBe(before + 1);
  });

  test('400 for self-friendship, bad ids or a missing friendId; nothing changes', async () => {
    const before = await friendEvents();
    for (const res of [await add(7, 7), await add('x', 1), await add(1, 'y'), await add(0, 1), await add(1, 99999999999),
      await call(friend.app, 'POST', '/v1/users/1/commands/addFriend')]) {
      expect(res.status).toBe(400);
      expect(res.body.status).toBe(400);
    }
    expect(await friendEvents()).toBe(before);
  });

  test('ids are plain decimals and friendId comes once: 400 otherwise, naming the parameter; nothing changes', async () => {
    const before = await friendEvents();
    for (const [a, b, detail] of [
      ['0x7', '8', 'parameter userId'], ['7e0', '8', 'parameter userId'], ['07', '8', 'parameter userId'],
      ['7', '0x8', 'query friendId'], ['7', '8e0', 'query friendId'], ['7', '08', 'query friendId'], ['7', '%208', 'query friendId'], ['7', '%2B8', 'query friendId'],
      ['7', '8&friendId=1', 'query parameter friendId is repeated'], ['7', '1&friendId=8', 'query parameter friendId is repeated'],
    ]) {
      const res = await add(a!, b!);
      expect(res.status).toBe(400);
      expect(res.body.detail).toStartWith(detail!);
    }
    const removal = await call(friend.app, 'POST', '/v1/users/7/commands/removeFriend?friendId=8&friendId=8');
    expect(removal.status).toBe(400);
    expect(await friendEvents()).toBe(before);
  });

  test('needs no body; a body of another type than JSON is 415 and changes nothing', async () => {
    const before = await friendEvents();
    const text = await call(friend.app, 'POST', '/v1/users/7/commands/addFriend?friendId=8', 'friendId=8', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(await friendEvents()).toBe(before);
    const bare = await friend.app.handle(new Request('http://localhost/v1/users/7/commands/addFriend?friendId=8', { method: 'POST' }));
    expect(bare.status).toBe(201);
    expect((await remove(7, 8)).status).toBe(204);
  });

  test('503 when a user is unknown to the replica and the user service cannot be reached', async () => {
    const res = await add(1, 4242);
    expect(res.status).toBe(503);
    expect(res.body.detail).toContain('user service');
  });
});

describe('removeFriend', () => {
  test('204, then gone from both lists and by id; a second removal is 404', async () => {
    const { body: f } = await add(7, 8);
    expect((await remove(8, 7)).status).toBe(204);
    expect((await call(friend.app, 'GET', '/v1/users/7/friends')).body).toEqual([]);
    expect((await call(friend.app, 'GET', '/v1/users/8/friends')).body).toEqual([]);
    expect((await call(friend.app, 'GET', `/v1/friends/${f.id}`)).status).toBe(404);
    expect((await remove(7, 8)).status).toBe(404);
  });

  test('friends again after removal get a new, larger id', async () => {
    const { body: first } = await add(2, 3);
    await remove(2, 3);
    const again = await add(3, 2);
    expect(again.status).toBe(201);
    expect(again.body.id).toBeGreaterThan(first.id);
  });
});

describe('listing', () => {
  test('limit bounds the list and is validated', async () => {
    await add(1, 5);
    await add(1, 6);
    expect((await call(friend.app, 'GET', '/v1/users/1/friends?limit=2')).body).toHaveLength(2);
    expect((await call(friend.app, 'GET', '/v1/users/1/friends?limit=0')).status).toBe(400);
    expect((await call(friend.app, 'GET', '/v1/users/1/friends?limit=1001')).status).toBe(400);
    expect((await call(friend.app, 'GET', '/v1/users/1/friends?limit=abc')).status).toBe(400);
  });

  test('after pages through the list by friendship id, without repeats or gaps', async () => {
    for (const other of [5, 6, 7]) await add(1, other);
    const all = (await call(friend.app, 'GET', '/v1/users/1/friends')).body;
    expect(all.length).toBeGreaterThanOrEqual(3);
    const pages: any[][] = [];
    for (let after = 0; ; ) {
      const page = (await call(friend.app, 'GET', `/v1/users/1/friends?limit=2${after ? `&after=${after}` : ''}`)).body;
      if (page.length === 0) break;
      pages.push(page);
      after = page.at(-1).id;
    }
    expect(pages.flat()).toEqual(all);
    expect(pages.length).toBe(Math.ceil(all.length / 2));
    expect((await call(friend.app, 'GET', '/v1/users/1/friends?after=0')).status).toBe(400);
  });

  test('an unknown user has no friends; an unknown friendship is 404', async () => {
    expect((await call(friend.app, 'GET', '/v1/users/999/friends')).body).toEqual([]);
    expect((await call(friend.app, 'GET', '/v1/friends/999999')).status).toBe(404);
  });
});

describe('user events', () => {
  test('a UserCreated whose userId the replica cannot hold is set aside; the rest of its batch is applied', async () => {
    const poison = { ...userCreated(9), data: { userId: 'nine', firstName: 'U', lastName: '9' } };
    await bus.publish(USER_EVENTS_TOPIC, [userCreated(10), poison, userCreated(11)]);
    expect(bus.deadLetters.map((d) => d.event.id)).toEqual([poison.id]);
    // Both neighbours made it into the replica: befriending them needs no user service.
    expect((await add(10, 11)).status).toBe(201);
  });

  test('a user event of a schemaVersion no upcaster reads is set aside with its reason, never guessed at', async () => {
    const future = { ...userCreated(12), schemaVersion: 5 };
    await bus.publish(USER_EVENTS_TOPIC, [future, userCreated(13)]);
    expect(bus.deadLetters.at(-1)).toMatchObject({ event: { id: future.id }, reason: expect.stringContaining('schemaVersion 5 cannot be read') });
    expect((await add(13, 10)).status).toBe(201);
  });

  test('UserErased ends every friendship of the user with FriendRemoved events caused by it, once, even when delivered again', async () => {
    await bus.publish(USER_EVENTS_TOPIC, [userCreated(14), userCreated(15), userCreated(16)]);
    for (const other of [15, 16]) expect((await add(14, other)).status).toBe(201);
    const erased = { ...userCreated(14, 2), type: 'UserErased', data: { userId: 14 } };
    await bus.publish(USER_EVENTS_TOPIC, [erased]);
    await bus.publish(USER_EVENTS_TOPIC, [erased]);
    expect((await call(friend.app, 'GET', '/v1/users/14/friends')).body).toEqual([]);
    expect((await call(friend.app, 'GET', '/v1/users/15/friends')).body).toEqual([]);
    const removals = rowsOf<{ data: { userId: number; friendId: number }; metadata: { causationId: string } }>(
      await database.db.execute(sql`select data, metadata from events where type = 'FriendRemoved' and (data->>'userId')::int = 14`),
    );
    expect(removals.map((r) => [r.data.friendId, r.metadata.causationId]).sort()).toEqual([[15, erased.id], [16, erased.id]]);
    // Gone from the replica: the user service is asked (here unreachable), so no friendship is made.
    expect((await add(15, 14)).status).toBe(503);
  });
});
