import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { KafkaMessage } from 'kafkajs';
import type { EventEnvelope } from '../../src/platform/events/envelope';
import { seeded, startCluster, type Cluster } from '../harness/distributed';
import { BusTap } from './bus-tap';
import { CommandLedger } from './command-ledger';
import { eventsOf, expectExactlyOnce, snapshotDifference, snapshotOf } from './exactly-once';
import { faultSeed, metricOf, requireEngines, untilServed } from './fault-suite';
import { envelopeOf } from '../kits/envelopes';
import { eventually } from '../kits/processes';

/**
 * What the bus may do to consumers, done on purpose by writing straight to the run's topics:
 * deliver an event again, deliver a stream's older versions after its newer ones, and deliver
 * messages no consumer can ever apply. Duplicates must change nothing, reordered streams must
 * converge to the state of their latest versions, and poison must go to `<topic>.dlq`, be
 * counted, and not stop what comes after it.
 */
const seed = faultSeed('bus-deliveries.faults.ts');
/** Consumer groups and the topics they read, as the modules subscribe them. */
const GROUPS = { friend: ['user-events'], recommendation: ['user-events', 'friend-events'] } as const;

describe('duplicate, reordered and poison deliveries', () => {
  let cluster: Cluster;
  let ledger: CommandLedger;
  let tap: BusTap;
  const random = seeded(seed);

  beforeAll(async () => {
    requireEngines('bus-deliveries.faults.ts');
    cluster = await startCluster({ friendInstances: 1 });
    ledger = new CommandLedger(cluster, `${cluster.namespace}-bus`);
    tap = new BusTap(process.env.KAFKA_BROKERS!.split(','), cluster.namespace);
  }, 120_000);
  afterAll(async () => {
    await tap?.close();
    await cluster?.close();
  }, 120_000);

  const shuffled = <T>(items: readonly T[]) => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  const consumed = async () => ({
    friend: await metricOf(cluster, 'friend-1', 'events_consumed_total', { consumer: 'friend' }),
    recommendation: await metricOf(cluster, 'recommendation', 'events_consumed_total', { consumer: 'recommendation' }),
  });
  /** Everything a delivery could change, read straight from the databases and Neo4j. */
  const state = async () => ({
    graph: await cluster.graphSnapshot(),
    logged: (await eventsOf(cluster, 'recommendation')).map((e) => e.id).sort(),
    users: await cluster.query('user', 'select id, first_name, last_name, version from users order by id'),
    friendships: await cluster.query('friend', 'select id, user_id, friend_id from friendships order by id'),
    known: (await cluster.query<{ id: number }>('friend', 'select id from known_users order by id')).map((r) => r.id),
  });

  /** Adds, removes and adds again, so friendship streams reach versions 2 and 3; renames users twice. */
  async function history(users: number[]) {
    for (let i = 0; i + 1 < users.length; i++) expect(await ledger.addFriend(users[i]!, users[i + 1]!)).toBe(201);
    for (let i = 0; i + 3 < users.length; i += 3) {
      expect(await ledger.removeFriend(users[i + 1]!, users[i]!)).toBe(204);
      expect(await ledger.addFriend(users[i]!, users[i + 1]!)).toBe(201);
      expect(await ledger.addFriend(users[i]!, users[i + 3]!)).toBe(201);
    }
    for (const u of users.filter((_, i) => i % 2 === 0)) {
      expect(await ledger.updateUser(u, `Once${u}`, 'Renamed')).toBe(200);
      expect(await ledger.updateUser(u, `Twice${u}`, 'Renamed')).toBe(200);
    }
  }

  test(`every event delivered again, shuffled (older versions after newer ones): graph, log and read models unchanged (seed ${seed})`, () =>
    cluster.explain(async () => {
      await history(await ledger.createUsers(12, 'Dup'));
      await expectExactlyOnce(cluster, ledger);
      const before = await state();
      const consumedBefore = await consumed();
      const [userEvents, friendEvents] = [await eventsOf(cluster, 'user'), await eventsOf(cluster, 'friend')];

      await tap.publish('user-events', shuffled(userEvents));
      await tap.publish('friend-events', shuffled(friendEvents));
      await tap.caughtUp(GROUPS);

      // Delivered and handled, not lost on the way: each consumer applied every copy again.
      const consumedAfter = await consumed();
      expect(consumedAfter.friend - consumedBefore.friend).toBeGreaterThanOrEqual(userEvents.length);
      expect(consumedAfter.recommendation - consumedBefore.recommendation).toBeGreaterThanOrEqual(userEvents.length + friendEvents.length);
      const after = await state();
      expect(snapshotDifference(after.graph, before.graph)).toBeUndefined();
      expect(after).toEqual(before);
      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`duplicates: ${userEvents.length + friendEvents.length} copies delivered; ${JSON.stringify({ consumedBefore, consumedAfter, audit })}`);
    }), 200_000);

  test('events seen newest first converge to the state of their latest versions; the in-order copies after them change nothing', () =>
    cluster.explain(async () => {
      // The relays hold the new events back, so the test is first to deliver them: newest first.
      for (const name of ['user', 'friend-1']) {
        await cluster.kill(name, 'SIGTERM');
        await cluster.restart(name, { OUTBOX_RELAY_PAUSED: 'true' });
      }
      await untilServed(cluster, ['user', 'friend']);
      const logged = new Set((await eventsOf(cluster, 'recommendation')).map((e) => e.id));
      await history(await ledger.createUsers(9, 'New'));
      const unseen = (events: EventEnvelope[]) => events.filter((e) => !logged.has(e.id)).reverse();
      const [userEvents, friendEvents] = [unseen(await eventsOf(cluster, 'user')), unseen(await eventsOf(cluster, 'friend'))];
      expect(userEvents.length + friendEvents.length).toBe(ledger.model.events - logged.size);

      try {
        await tap.publish('user-events', userEvents);
        await tap.publish('friend-events', friendEvents);
        await tap.caughtUp(GROUPS);
        // Before the relays have published anything: the reversed deliveries alone gave the final graph.
        const all = [...(await eventsOf(cluster, 'user')), ...(await eventsOf(cluster, 'friend'))];
        const expected = await snapshotOf(all);
        // Neo4j is fed from the log a moment after the consumers acknowledged (durable-feed.ts).
        await eventually('Neo4j to hold the final graph', async () => snapshotDifference(await cluster.graphSnapshot(), expected) ?? true, 30_000);
      } finally {
        // Publishing again, whatever happened: the next test needs the relays.
        for (const name of ['user', 'friend-1']) {
          await cluster.kill(name, 'SIGTERM');
          await cluster.restart(name, { OUTBOX_RELAY_PAUSED: 'false' });
        }
      }
      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`reordered: ${userEvents.length + friendEvents.length} events delivered newest first; ${JSON.stringify(audit)}`);
    }), 200_000);

  test('poison goes to <topic>.dlq, is counted on /metrics, and the events after it are applied', () =>
    cluster.explain(async () => {
      const partitions = { user: await tap.partitions('user-events'), friend: await tap.partitions('friend-events') };
      // Malformed: not JSON, and JSON that is no envelope. In every partition, so whatever comes
      // next, on any partition, comes after a poison message.
      const malformed = (partition: number) => [
        { partition, key: 'poison', value: `not json {${partition}` },
        { partition, key: 'poison', value: JSON.stringify({ type: 'UserCreated', data: { userId: 1 } }) },
      ];
      await tap.produce('user-events', partitions.user.flatMap(malformed));
      await tap.produce('friend-events', partitions.friend.flatMap(malformed));
      // Well-formed envelopes a consumer can never apply: a user id the friend service's replica
      // cannot hold (the recommendation service logs it, and ignores it), and an event id that is
      // no UUID, which no store can hold: the Kafka decoder sets it aside before any handler.
      const envelope = (over: Partial<EventEnvelope>): EventEnvelope =>
        envelopeOf({ type: 'UserCreated', streamId: 'user-0', streamVersion: 1, data: {}, metadata: { correlationId: 'poison' }, ...over });
      const badUserId = envelope({ data: { userId: 'zero', firstName: 'No', lastName: 'Id' } });
      const badEventId = envelope({ id: 'not-a-uuid', type: 'FriendAdded', streamId: 'friendship-1-2', data: { friendshipId: 1, userId: 1, friendId: 2 } });
      await tap.publish('user-events', [badUserId]);
      await tap.publish('friend-events', [badEventId]);

      const later = await ledger.createUsers(8, 'After');
      for (let i = 1; i < later.length; i++) expect(await ledger.addFriend(later[0]!, later[i]!)).toBe(201);
      await tap.caughtUp(GROUPS);

      const headers = (m: KafkaMessage) => Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
      const byGroup = (messages: KafkaMessage[]) => messages.reduce<Record<string, number>>((acc, m) => {
        const group = headers(m)['dlq-group']!.slice(cluster.namespace.length + 1);
        acc[group] = (acc[group] ?? 0) + 1;
        return acc;
      }, {});
      const P = { user: partitions.user.length, friend: partitions.friend.length };
      const expected = {
        'user-events.dlq': { friend: 2 * P.user + 1, recommendation: 2 * P.user },
        'friend-events.dlq': { recommendation: 2 * P.friend + 1 },
      };
      const userDlq = await tap.read('user-events.dlq', 4 * P.user + 1);
      const friendDlq = await tap.read('friend-events.dlq', 2 * P.friend + 1);
      expect({ 'user-events.dlq': byGroup(userDlq), 'friend-events.dlq': byGroup(friendDlq) }).toEqual(expected);
      // Each dead letter keeps the original and says where it came from and why.
      const friendsLetter = userDlq.find((m) => String(m.value) === JSON.stringify(badUserId))!;
      expect(headers(friendsLetter)).toMatchObject({ 'dlq-group': `${cluster.namespace}.friend`, 'dlq-source-topic': `${cluster.namespace}.user-events` });
      expect(headers(friendsLetter)['dlq-reason']).toContain('no valid userId');
      const recommendationsLetter = friendDlq.find((m) => String(m.value) === JSON.stringify(badEventId))!;
      expect(headers(recommendationsLetter)['dlq-reason']).toContain('invalid envelope: missing or malformed id');

      const counted = {
        'user-events.dlq': {
          friend: await metricOf(cluster, 'friend-1', 'dead_letter_events_total', { consumer: 'friend', topic: 'user-events' }),
          recommendation: await metricOf(cluster, 'recommendation', 'dead_letter_events_total', { consumer: 'recommendation', topic: 'user-events' }),
        },
        'friend-events.dlq': { recommendation: await metricOf(cluster, 'recommendation', 'dead_letter_events_total', { consumer: 'recommendation', topic: 'friend-events' }) },
      };
      expect(counted).toEqual(expected);

      // The later commands were all applied; the one injected event the log may hold is the one
      // the recommendation service could store but not use.
      const audit = await expectExactlyOnce(cluster, ledger, { injected: new Set([badUserId.id]) });
      console.log(`poison: dead letters ${JSON.stringify(counted)}; ${JSON.stringify(audit)}`);
    }), 200_000);
});
