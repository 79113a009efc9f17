import { afterAll, beforeAll, expect, test } from 'bun:test';
import { systemClock } from '../../../platform/clock';
import type { Database } from '../../../platform/db/database';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { createLocalFetch } from '../../../platform/http/local-fetch';
import { silentLogger } from '../../../platform/log';
import { Metrics } from '../../../platform/metrics/metrics';
import { call } from '../../../../test/kits/http';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import { createFriendModule, friendMigrationsFolder } from '../index';

// Commands arriving together share a transaction (group commit); each is still answered on its own.
let database: Database;
let friend: ReturnType<typeof createFriendModule>;
const metrics = new Metrics({ service: 'friend' });
const bus = new InProcessBus();
const userCreated = (userId: number) => ({
  id: crypto.randomUUID(), type: 'UserCreated', schemaVersion: 1, streamId: `user-${userId}`, streamVersion: 1,
  occurredAt: new Date().toISOString(), data: { userId, firstName: 'U', lastName: `${userId}` }, metadata: { correlationId: 'test' },
});

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: friendMigrationsFolder, label: 'friend' });
  const offline = createLocalFetch(async () => {
    throw new Error('offline');
  });
  friend = createFriendModule({ database, bus, clock: systemClock, log: silentLogger, fetch: offline.fetch, discoveryUrl: 'http://discovery.test', metrics });
  await friend.connect();
  friend.start();
  // The friend module learns users from their events; no user service is reachable here.
  await bus.publish(USER_EVENTS_TOPIC, Array.from({ length: 30 }, (_, i) => userCreated(i + 1)));
});
afterAll(async () => {
  await friend.stop();
  await database.close();
});

const add = (a: number, b: number) => call(friend.app, 'POST', `/v1/users/${a}/commands/addFriend?friendId=${b}`);
const remove = (a: number, b: number) => call(friend.app, 'POST', `/v1/users/${a}/commands/removeFriend?friendId=${b}`);
const batchSizes = async () => {
  const text = (await call(friend.app, 'GET', '/metrics')).body as string;
  const read = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: read('command_batch_size_sum'), count: read('command_batch_size_count') };
};

test('in one batch, the 409 and the 404 go to their own commands and every other command commits', async () => {
  expect((await add(1, 2)).status).toBe(201);
  const before = await batchSizes();
  const replies = await Promise.all([
    ...Array.from({ length: 6 }, (_, i) => add(3 + 2 * i, 4 + 2 * i)),
    add(2, 1),
    remove(20, 21),
    ...Array.from({ length: 4 }, (_, i) => add(22 + i, 1)),
  ]);
  expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201, 409, 404, 201, 201, 201, 201]);
  expect(replies[6]!.headers.get('content-type')).toContain('application/problem+json');
  expect(replies[6]!.body.detail).toContain('already friends');
  // They did share transactions: fewer transactions than commands that reached the store.
  const after = await batchSizes();
  expect(after.sum - before.sum).toBe(12);
  expect(after.count - before.count).toBeLessThan(12);
  for (const [i, reply] of replies.entries()) if (reply.status === 201) expect((await call(friend.app, 'GET', `/v1/friends/${reply.body.id}`)).status, `reply ${i}`).toBe(200);
  expect((await call(friend.app, 'GET', '/v1/users/1/friends')).body).toHaveLength(5);
});
