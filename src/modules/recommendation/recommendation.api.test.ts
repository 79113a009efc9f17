import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { openEmbeddedDatabase } from '../../platform/db/embedded';
import type { Database } from '../../platform/db/database';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { FRIEND_EVENTS_TOPIC } from '../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../user/contracts/events';
import { MemoryGraph } from './graph/memory-graph';
import { createRecommendationModule, recommendationMigrationsFolder } from './index';
import { eventFactory } from '../../../test/kits/recommendation/events';
import { startUserService } from '../../../test/kits/recommendation/user-service';

let database: Database;
let bus: InProcessBus;
let graph: MemoryGraph;
let recommendation: ReturnType<typeof createRecommendationModule>;
let users: Awaited<ReturnType<typeof startUserService>>;
const e = eventFactory();

const logged = async () => {
  const res = await database.db.execute('select count(*)::int as n from received_events' as any);
  return Number((res as any).rows[0].n);
};

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  bus = new InProcessBus();
  graph = new MemoryGraph();
  // Names come from a real user module, which allocates ids 1 to 7 to these users in order.
  users = await startUserService(bus);
  for (const id of [1, 2, 3, 4, 5, 6, 7]) await users.create(id === 1 ? 'Ada' : `User${id}`, 'Test');
  recommendation = createRecommendationModule({ database, bus, graph, log: silentLogger, names: users.names });
  await recommendation.connect();
  // Ada(1) is friends with 2, 3, 4; 5 is a friend of 2, 3 and 4; 6 of 2 and 3; 7 of 4 only.
  await bus.publish(USER_EVENTS_TOPIC, [1, 2, 3, 4, 5, 6, 7].map((id) => e.userCreated(id, id === 1 ? 'Ada' : `User${id}`, 'Test')));
  const pairs = [[1, 2], [1, 3], [1, 4], [2, 5], [3, 5], [4, 5], [2, 6], [3, 6], [4, 7]] as const;
  await bus.publish(FRIEND_EVENTS_TOPIC, pairs.map(([a, b]) => e.friendAdded(a, b)));
});
afterAll(async () => {
  await recommendation.stop();
  await users.close();
  await bus.close();
  await database.close();
});

describe('GET /v1/users/:userId/commands/recommendFriends', () => {
  test('ranks friends of friends by mutual friends, heaviest first, ties by id', async () => {
    const res = await call(recommendation.app, 'GET', '/v1/users/1/commands/recommendFriends');
    expect(res.status).toBe(200);
    expect(res.body.map((r: any) => [r.user.id, r.weight])).toEqual([[5, 3], [6, 2], [7, 1]]);
    expect(res.body[0].user).toEqual({ id: 5, firstName: 'User5', lastName: 'Test', createdAt: expect.any(String), lastModified: expect.any(String) });
  });

  test('honours limit and returns [] for an unknown user', async () => {
    const res = await call(recommendation.app, 'GET', '/v1/users/1/commands/recommendFriends?limit=2');
    expect(res.body.map((r: any) => r.user.id)).toEqual([5, 6]);
    expect(await call(recommendation.app, 'GET', '/v1/users/424242/commands/recommendFriends')).toMatchObject({ status: 200, body: [] });
  });
});

describe('GET /v1/users/:userId/commands/findMutualFriends', () => {
  test('returns the users both are friends with, by id', async () => {
    const res = await call(recommendation.app, 'GET', '/v1/users/1/commands/findMutualFriends?friendId=5');
    expect(res.status).toBe(200);
    expect(res.body.map((u: any) => u.id)).toEqual([2, 3, 4]);
    expect(res.body[0]).toMatchObject({ id: 2, firstName: 'User2', lastName: 'Test' });
    const limited = await call(recommendation.app, 'GET', '/v1/users/5/commands/findMutualFriends?friendId=1&limit=1');
    expect(limited.body.map((u: any) => u.id)).toEqual([2]);
  });

  test('returns [] for unknown users', async () => {
    expect(await call(recommendation.app, 'GET', '/v1/users/1/commands/findMutualFriends?friendId=999')).toMatchObject({ status: 200, body: [] });
    expect(await call(recommendation.app, 'GET', '/v1/users/999/commands/findMutualFriends?friendId=1')).toMatchObject({ status: 200, body: [] });
  });
});

// `named` says whether the detail can name the field: Elysia reports a coerced path or query number
// that is out of range without its path, so only type errors (not range errors) are named today.
describe('bad input is a 400 problem', () => {
  test.each([
    ['/v1/users/abc/commands/recommendFriends', 'userId', true],
    ['/v1/users/1.5/commands/recommendFriends', 'userId', true],
    ['/v1/users/0/commands/recommendFriends', 'userId', false],
    ['/v1/users/-3/commands/recommendFriends', 'userId', false],
    ['/v1/users/2147483648/commands/recommendFriends', 'userId', false],
    ['/v1/users/1/commands/recommendFriends?limit=ten', 'limit', true],
    ['/v1/users/1/commands/recommendFriends?limit=2.5', 'limit', true],
    ['/v1/users/1/commands/recommendFriends?limit=0', 'limit', false],
    ['/v1/users/1/commands/recommendFriends?limit=1001', 'limit', false],
    ['/v1/users/1/commands/findMutualFriends', 'friendId', true],
    ['/v1/users/1/commands/findMutualFriends?friendId=', 'friendId', true],
    ['/v1/users/1/commands/findMutualFriends?friendId=x', 'friendId', true],
    ['/v1/users/1/commands/findMutualFriends?friendId=0', 'friendId', false],
    ['/v1/users/1/commands/findMutualFriends?friendId=99999999999', 'friendId', false],
    ['/v1/users/x/commands/findMutualFriends?friendId=2', 'userId', true],
    ['/v1/users/1/commands/findMutualFriends?friendId=2&limit=0', 'limit', false],
    ['/v1/users/1/commands/findMutualFriends?friendId=2&limit=5000', 'limit', false],
    // Numbers only in the eyes of `Number()`; and a parameter given twice.
    ['/v1/users/0x1/commands/recommendFriends', 'userId', true],
    ['/v1/users/1/commands/recommendFriends?limit=1e1', 'limit', true],
    ['/v1/users/1/commands/findMutualFriends?friendId=02', 'friendId', true],
    ['/v1/users/1/commands/findMutualFriends?friendId=2&friendId=3', 'friendId', true],
  ] as const)('%s', async (path, field, named) => {
    const res = await call(recommendation.app, 'GET', path);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
    expect(res.body.detail).toMatch(named ? field : /\S/);
  });
});

describe('limit', () => {
  test('defaults to 100 and goes up to 1000', async () => {
    // 1000's only friend 1001 has 150 other friends; 2000 and 2001 share 150 friends.
    const many = Array.from({ length: 150 }, (_, i) => i);
    await bus.publish(FRIEND_EVENTS_TOPIC, [
      e.friendAdded(1000, 1001),
      ...many.map((i) => e.friendAdded(1001, 1002 + i)),
      ...many.flatMap((i) => [e.friendAdded(2000, 2002 + i), e.friendAdded(2001, 2002 + i)]),
    ]);
    const byDefault = await call(recommendation.app, 'GET', '/v1/users/1000/commands/recommendFriends');
    expect(byDefault.body.map((r: any) => r.user.id)).toEqual(many.slice(0, 100).map((i) => 1002 + i));
    expect((await call(recommendation.app, 'GET', '/v1/users/1000/commands/recommendFriends?limit=1000')).body).toHaveLength(150);
    expect((await call(recommendation.app, 'GET', '/v1/users/2000/commands/findMutualFriends?friendId=2001')).body).toHaveLength(100);
    expect((await call(recommendation.app, 'GET', '/v1/users/2000/commands/findMutualFriends?friendId=2001&limit=1000')).body).toHaveLength(150);
  });
});

test('the OpenAPI document describes both queries', async () => {
  const { body } = await call(recommendation.app, 'GET', '/swagger/json');
  expect(Object.keys(body.paths)).toEqual(
    expect.arrayContaining(['/v1/users/{userId}/commands/findMutualFriends', '/v1/users/{userId}/commands/recommendFriends']),
  );
});

test('health is UP', async () => {
  expect(await call(recommendation.app, 'GET', '/actuator/health')).toMatchObject({ status: 200, body: { status: 'UP' } });
});

describe('names, from the user service', () => {
  const cached = async () => Number(/^names_cached\{[^}]*\} (\d+)$/m.exec((await call(recommendation.app, 'GET', '/metrics')).body)?.[1]);

  test('an erasure drops the user\'s names from memory as soon as the graph applied it', async () => {
    await call(recommendation.app, 'GET', '/v1/users/1/commands/recommendFriends'); // names 5, 6 and 7
    const before = await cached();
    expect(before).toBeGreaterThanOrEqual(3);
    await bus.publish(USER_EVENTS_TOPIC, [e.userErased(7)]);
    expect(await cached()).toBe(before - 1);
    expect((await call(recommendation.app, 'GET', '/v1/users/1/commands/recommendFriends')).body.map((r: any) => r.user.id)).toEqual([5, 6]);
  });

  test('while it cannot be reached: names read before are shown; a page with a name never read is a 503 with Retry-After', async () => {
    users.reachable(false);
    try {
      const fromMemory = await call(recommendation.app, 'GET', '/v1/users/1/commands/recommendFriends');
      expect(fromMemory.status).toBe(200);
      expect(fromMemory.body.map((r: any) => r.user.firstName)).toEqual(['User5', 'User6']);
      // User 5's page starts with Ada (1), whose name this service has not read yet.
      const refused = await call(recommendation.app, 'GET', '/v1/users/5/commands/recommendFriends');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.headers.get('content-type')).toStartWith('application/problem+json');
      expect(refused.body.detail).toContain('user service');
    } finally {
      users.reachable(true);
    }
    const back = await call(recommendation.app, 'GET', '/v1/users/5/commands/recommendFriends');
    expect(back.body[0].user).toMatchObject({ id: 1, firstName: 'Ada', lastName: 'Test' });
  });
});
