import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { silentLogger } from '../../../platform/log';
import { call } from '../../../../test/kits/http';
import { FRIEND_EVENTS_TOPIC } from '../../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import { MemoryGraph } from '../graph/memory-graph';
import { eventFactory } from '../../../../test/kits/recommendation/events';
import { SharedLog } from '../../../../test/kits/recommendation/shared-log';
import { groupedDeliveryConformance } from '../../../../test/conformance/grouped-delivery';

const shared = new SharedLog();

/** A recommendation module on the shared log database, with its own bus and graph, connected. */
async function startModule() {
  const graph = new MemoryGraph();
  const { bus, module } = await shared.start({ graph, log: silentLogger });
  return { bus, graph, module };
}

beforeAll(() => shared.open());
afterAll(() => shared.close());

describe('consuming events', () => {
  const e = eventFactory();
  const users = [1, 2, 3, 4].map((id) => e.userCreated(id));
  const friendships = [e.friendAdded(1, 2), e.friendAdded(2, 3), e.friendAdded(3, 4), e.friendAdded(1, 4), e.friendRemoved(4, 1)];
  let app: Awaited<ReturnType<typeof startModule>>;

  beforeAll(async () => {
    app = await startModule();
    // Friendships first: the users are not known yet when the edges arrive.
    await app.bus.publish(FRIEND_EVENTS_TOPIC, friendships);
  });

  test('a friendship before its users still projects; dates are null until UserCreated arrives (no user service here: no names)', async () => {
    const early = await call(app.module.app, 'GET', '/v1/users/1/commands/recommendFriends');
    expect(early.status).toBe(200);
    expect(early.body).toEqual([{ user: { id: 3, firstName: null, lastName: null, createdAt: null, lastModified: null }, weight: 1 }]);
    await app.bus.publish(USER_EVENTS_TOPIC, users);
    const late = await call(app.module.app, 'GET', '/v1/users/1/commands/findMutualFriends?friendId=3');
    expect(late.body).toEqual([{ id: 2, firstName: null, lastName: null, createdAt: users[1]!.occurredAt, lastModified: users[1]!.occurredAt }]);
  });

  test('the log keeps user events without their names, and a rebuild from it gives the same graph', async () => {
    await app.bus.publish(USER_EVENTS_TOPIC, [e.userCreated(30, 'Logless', 'Nameless'), e.userUpdated(30, 'Still', 'Unlogged')]);
    const rows = ((await shared.database.db.execute("select data::text as data from received_events where stream_id = 'user-30' order by position" as any)) as any).rows;
    expect(rows.map((r: { data: string }) => JSON.parse(r.data))).toEqual([{ userId: 30 }, { userId: 30 }]);
    const before = await app.graph.snapshot();
    await app.module.rebuild();
    expect(await app.graph.snapshot()).toEqual(before);
  });

  test('a redelivered batch changes nothing: not the log, not the graph', async () => {
    const before = { snapshot: await app.graph.snapshot(), rows: await shared.rows(), stored: app.module.stats().stored };
    await app.bus.publish(FRIEND_EVENTS_TOPIC, friendships);
    await app.bus.publish(USER_EVENTS_TOPIC, users.slice(1, 3));
    expect(await app.graph.snapshot()).toEqual(before.snapshot);
    expect(await shared.rows()).toBe(before.rows);
    expect(app.module.stats().stored).toBe(before.stored);
  });

  test('events of an unknown type are logged and counted, not applied, and do not block the batch', async () => {
    const unknown = { ...e.userCreated(50), type: 'UserDeleted' } as EventEnvelope;
    const rows = await shared.rows();
    const before = app.module.stats();
    await app.bus.publish(USER_EVENTS_TOPIC, [unknown, e.userCreated(51)]);
    expect(app.module.stats().ignored).toBe(before.ignored + 1);
    expect(await shared.rows()).toBe(rows + 2);
    expect((await app.graph.snapshot()).users.map((u) => u.id)).toContain(51);
  });

  test('an envelope the log cannot hold is set aside as a dead letter rather than redelivered forever', async () => {
    const rows = await shared.rows();
    const before = app.module.stats();
    const unstorable = { ...e.userCreated(60), id: 'not-a-uuid' };
    await app.bus.publish(USER_EVENTS_TOPIC, [unstorable, e.userCreated(61)]);
    expect(app.module.stats().rejected).toBe(before.rejected + 1);
    expect(app.bus.deadLetters.map((d) => d.event.id)).toEqual(['not-a-uuid']);
    expect(await shared.rows()).toBe(rows + 1);
  });

  test('a schemaVersion no upcaster reads is dead-lettered with a reason, never guessed at; the rest is applied', async () => {
    const rows = await shared.rows();
    const before = app.module.stats();
    const future = { ...e.userCreated(62), schemaVersion: 99 };
    await app.bus.publish(USER_EVENTS_TOPIC, [future, e.userCreated(63)]);
    expect(app.module.stats().rejected).toBe(before.rejected + 1);
    expect(app.bus.deadLetters.at(-1)).toMatchObject({ event: { id: future.id }, reason: expect.stringContaining('schemaVersion 99 cannot be read') });
    expect(await shared.rows()).toBe(rows + 1);
    expect((await app.graph.snapshot()).users.map((u) => u.id)).not.toContain(62);
  });

  test('batches on both topics at once, as the in-process bus delivers them, give the in-order graph', async () => {
    const f = eventFactory();
    const userBatches = Array.from({ length: 20 }, (_, i) => [f.userCreated(100 + i), f.userUpdated(100 + i, `N${i}`, 'M')]);
    const friendBatches = Array.from({ length: 20 }, (_, i) => [f.friendAdded(100 + i, 100 + ((i + 1) % 20)), f.friendAdded(100 + i, 100 + ((i + 2) % 20))]);
    await Promise.all([
      ...userBatches.map((batch) => app.bus.publish(USER_EVENTS_TOPIC, batch)),
      ...friendBatches.map((batch) => app.bus.publish(FRIEND_EVENTS_TOPIC, batch)),
    ]);
    const reference = new MemoryGraph();
    await reference.apply([...userBatches.flat(), ...friendBatches.flat()]);
    const mine = await app.graph.snapshot();
    const theirs = await reference.snapshot();
    expect(mine.users.filter((u) => u.id >= 100)).toEqual(theirs.users);
    expect(mine.friendships.filter(([a]) => a >= 100)).toEqual(theirs.friendships);
  });

  test('the graph can be dropped and rebuilt from the log to an identical snapshot', async () => {
    const before = await app.graph.snapshot();
    expect(before.friendships.length).toBeGreaterThan(10);
    await app.graph.clear();
    expect((await app.graph.stats()).users).toBe(0);
    expect((await app.module.rebuild()).events).toBe(await shared.rows());
    expect(await app.graph.snapshot()).toEqual(before);
  });

  test('a new instance on the same log rebuilds the same graph at connect', async () => {
    const restarted = await startModule();
    expect(await restarted.graph.snapshot()).toEqual(await app.graph.snapshot());
    // 100..119 form a ring where each is friends with the next two: 100's friends are 101, 102, 118, 119.
    const res = await call(restarted.module.app, 'GET', '/v1/users/100/commands/recommendFriends');
    expect(res.body.map((r: any) => [r.user.id, r.weight])).toEqual([[103, 2], [117, 2], [104, 1], [116, 1]]);
  });

  test('connect twice subscribes once', async () => {
    await app.module.connect();
    await app.bus.publish(USER_EVENTS_TOPIC, [e.userCreated(70)]);
    expect((await app.graph.snapshot()).users.map((u) => u.id)).toContain(70);
  });
});

test('after stop, deliveries are refused so that the bus redelivers them later', async () => {
  const { bus, module, graph } = await startModule();
  await module.stop();
  await expect(bus.publish(USER_EVENTS_TOPIC, [eventFactory().userCreated(900)])).rejects.toThrow('stopped');
  expect((await graph.snapshot()).users.map((u) => u.id)).not.toContain(900);
});

describe('batches handed over together (in-memory graph)', () => {
  groupedDeliveryConformance(async () => new MemoryGraph());
});
