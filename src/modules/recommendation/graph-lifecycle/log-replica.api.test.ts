import { afterAll, beforeAll, expect, test } from 'bun:test';
import { encodeToken } from '../../../platform/consistency/token';
import { createLogger } from '../../../platform/log';
import { call } from '../../../../test/kits/http';
import { eventFactory } from '../../../../test/kits/recommendation/events';
import { SharedLog } from '../../../../test/kits/recommendation/shared-log';
import { FRIEND_EVENTS_TOPIC, friendshipStreamId } from '../../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import { MemoryGraph } from '../graph/memory-graph';

/**
 * Two instances on one log, as in distributed mode, each consuming only what its own bus hands it
 * (its partitions): reads with `readReplica` come from the replica, which the log feeds with the
 * other instance's events too. (On PostgreSQL with concurrent writers: log-replica.int.test.ts.)
 */
const shared = new SharedLog();
// Names come from the user service, not the log: this one knows every user as First<id> Last<id>.
const names = async (ids: readonly number[]) => ({ users: ids.map((id) => ({ id, firstName: `First${id}`, lastName: `Last${id}`, version: 1 })), erased: [] });

async function startInstance(options: { snapshotEvery?: number; replicaPollMs?: number } = {}) {
  // The graph this instance writes (Neo4j in distributed mode): only its own partitions' events.
  const written = new MemoryGraph();
  const lines: { msg: string; [field: string]: unknown }[] = [];
  const log = createLogger({}, 'info', (line) => void lines.push(JSON.parse(line)));
  const { bus, module } = await shared.start({ graph: written, log, readReplica: true, replicaPollMs: 10, admin: { openWithoutToken: true }, names, ...options });
  return { bus, written, module, lines };
}

beforeAll(() => shared.open());
afterAll(() => shared.close());

test('an instance answers, from its replica, for events only the other instance consumed; a token read waits for them', async () => {
  const e = eventFactory();
  const one = await startInstance();
  const two = await startInstance();
  await one.bus.publish(USER_EVENTS_TOPIC, [1, 2, 3].map((id) => e.userCreated(id)));
  await one.bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(1, 2)]);
  // The second friendship goes through the first instance; the read with its token, to the second.
  const latest = e.friendAdded(2, 3);
  const token = encodeToken([[friendshipStreamId(2, 3), latest.streamVersion]]);
  const [read] = await Promise.all([
    call(two.module.app, 'GET', '/v1/users/1/commands/recommendFriends', undefined, { 'Consistency-Token': token }),
    one.bus.publish(FRIEND_EVENTS_TOPIC, [latest]),
  ]);
  expect(read.status).toBe(200);
  expect(read.body).toEqual([{ user: { id: 3, firstName: 'First3', lastName: 'Last3', createdAt: expect.any(String), lastModified: expect.any(String) }, weight: 1 }]);
  // Not from the graph the second instance writes, which holds none of it.
  expect((await two.written.stats()).users).toBe(0);
  const mutual = await call(two.module.app, 'GET', '/v1/users/1/commands/findMutualFriends?friendId=3');
  expect(mutual.body.map((u: { id: number }) => u.id)).toEqual([2]);
  // Operators see both: the graph this instance writes, and the replica its reads come from.
  const status = await call(two.module.app, 'GET', '/admin/projection');
  expect(status.body.graph).toMatchObject({ users: 0, friendships: 0 });
  expect(status.body.replica).toMatchObject({ users: 3, friendships: 2, lastReadAt: expect.any(String) });
});

test('an erasure the other instance consumed takes the user\'s names out of this one\'s memory when its replica applies it', async () => {
  const e = eventFactory(Date.parse('2025-03-01T00:00:00.000Z'));
  const consumer = await startInstance();
  const reader = await startInstance();
  const cached = async () => Number(/^names_cached\{[^}]*\} (\d+)$/m.exec((await call(reader.module.app, 'GET', '/metrics')).body)?.[1]);
  const recommended = async () => (await call(reader.module.app, 'GET', '/v1/users/20/commands/recommendFriends')).body.map((r: { user: { id: number } }) => r.user.id);
  await consumer.bus.publish(USER_EVENTS_TOPIC, [20, 21, 22].map((id) => e.userCreated(id)));
  await consumer.bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(20, 21), e.friendAdded(21, 22)]);
  for (let i = 0; i < 200 && (await recommended()).length === 0; i++) await Bun.sleep(10);
  expect(await recommended()).toEqual([22]); // and its names are now in the reader's memory
  const before = await cached();
  await consumer.bus.publish(USER_EVENTS_TOPIC, [e.userErased(22)]);
  for (let i = 0; i < 200 && (await cached()) === before; i++) await Bun.sleep(10);
  expect(await cached()).toBe(before - 1);
  expect(await recommended()).toEqual([]);
});

test('a new instance loads the whole log into its replica before it subscribes', async () => {
  const three = await startInstance();
  const res = await call(three.module.app, 'GET', '/v1/users/3/commands/findMutualFriends?friendId=1');
  expect(res.body.map((u: { id: number }) => u.id)).toEqual([2]);
});

test('one instance snapshots the replica; a new instance loads it and reads only the log after it', async () => {
  const e = eventFactory(Date.parse('2025-02-01T00:00:00.000Z'));
  const writer = await startInstance({ snapshotEvery: 10 });
  const reader = await startInstance({ snapshotEvery: 10 });
  await writer.bus.publish(USER_EVENTS_TOPIC, [10, 11, 12, 13, 14, 15].map((id) => e.userCreated(id)));
  await writer.bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(10, 11), e.friendAdded(11, 12), e.friendAdded(12, 13), e.friendAdded(13, 14), e.friendAdded(14, 15)]);
  const saved = () => [...writer.lines, ...reader.lines].filter((l) => l.msg === 'replica snapshot saved');
  for (let i = 0; i < 200 && saved().length === 0; i++) await Bun.sleep(10);
  // (Which instance writes is decided by a claim on PostgreSQL: log-replica.int.test.ts.)
  expect(saved().length).toBeGreaterThan(0);
  await writer.bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(10, 15)]);

  const late = await startInstance();
  const loaded = late.lines.find((l) => l.msg.startsWith('replica loaded'))!;
  expect(loaded.msg).toBe('replica loaded from a snapshot and the log after it');
  // Fewer rows than the log holds: only those after the snapshot.
  expect(loaded.events as number).toBeLessThan(await shared.rows());
  const res = await call(late.module.app, 'GET', '/v1/users/10/commands/findMutualFriends?friendId=14');
  expect(res.body.map((u: { id: number }) => u.id)).toEqual([15]);
});

test('an instance that logged rows tells the others: their replicas read them at once, not at their next poll', async () => {
  const e = eventFactory(Date.parse('2025-04-01T00:00:00.000Z'));
  // Polls a minute apart: only the notification can bring the rows within the test's time.
  const consumer = await startInstance({ replicaPollMs: 60_000 });
  const reader = await startInstance({ replicaPollMs: 60_000 });
  const recommended = async () => (await call(reader.module.app, 'GET', '/v1/users/30/commands/recommendFriends')).body.map((r: { user: { id: number } }) => r.user.id);
  await consumer.bus.publish(USER_EVENTS_TOPIC, [30, 31, 32].map((id) => e.userCreated(id)));
  await consumer.bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(30, 31), e.friendAdded(31, 32)]);
  for (let i = 0; i < 200 && (await recommended()).length === 0; i++) await Bun.sleep(10);
  expect(await recommended()).toEqual([32]);
});
