import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test';
import { count } from 'drizzle-orm';
import { systemClock } from '../../src/platform/clock';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import type { Database } from '../../src/platform/db/database';
import { DeadLetterError } from '../../src/platform/events/bus';
import type { EventEnvelope } from '../../src/platform/events/envelope';
import { silentLogger } from '../../src/platform/log';
import { FRIEND_EVENTS_TOPIC } from '../../src/modules/friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../src/modules/user/contracts/events';
import { randomHistory } from './social-graph';
import { MemoryGraph } from '../../src/modules/recommendation/graph/memory-graph';
import type { GraphEvent, SocialGraph } from '../../src/modules/recommendation/graph/social-graph';
import { recommendationMigrationsFolder } from '../../src/modules/recommendation/module';
import { receivedEvents } from '../../src/modules/recommendation/schema';
import { eventFactory, seededRandom } from '../kits/recommendation/events';
import { EventProjector } from '../../src/modules/recommendation/projecting-events/event-projector';

/**
 * The real graph, with its apply calls counted and, when asked, the next one failed before it
 * reaches the graph (as a lost connection would).
 */
class ObservedGraph implements SocialGraph {
  applies = 0;
  failNext = false;

  constructor(readonly graph: SocialGraph) {}

  async apply(events: readonly GraphEvent[]): Promise<void> {
    this.applies++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('graph unavailable');
    }
    await this.graph.apply(events);
  }

  mutualFriends = (userId: number, friendId: number, limit: number) => this.graph.mutualFriends(userId, friendId, limit);
  recommendFriends = (userId: number, limit: number) => this.graph.recommendFriends(userId, limit);
  clear = () => this.graph.clear();
  snapshot = () => this.graph.snapshot();
  stats = () => this.graph.stats();
  streamVersions = (streamIds: readonly string[]) => this.graph.streamVersions(streamIds);
}

const PARTITIONS = 6;
const topicOf = (e: GraphEvent) => (e.type.startsWith('User') ? USER_EVENTS_TOPIC : FRIEND_EVENTS_TOPIC);

/** Splits a history as Kafka would: a stream always in the same partition, in order there. */
function partitioned(events: readonly GraphEvent[]): { topic: string; events: GraphEvent[] }[] {
  const partitions = new Map<string, { topic: string; events: GraphEvent[] }>();
  for (const e of events) {
    const hash = [...e.streamId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
    const key = `${topicOf(e)}/${hash % PARTITIONS}`;
    if (!partitions.has(key)) partitions.set(key, { topic: topicOf(e), events: [] });
    partitions.get(key)!.events.push(e);
  }
  return [...partitions.values()];
}

/**
 * The projector handed the batches of many partitions at once, as the Kafka consumer does with one
 * fetch: it writes them as groups (one log and one graph transaction each), and the result must be
 * what applying every event one by one gives. `openGraph` returns an empty graph.
 */
export function groupedDeliveryConformance(openGraph: () => Promise<SocialGraph>): void {
  let database: Database;
  let observed: ObservedGraph;
  let projector: EventProjector;
  const logged = async () => (await database.db.select({ n: count() }).from(receivedEvents))[0]!.n;

  beforeAll(async () => {
    database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  });
  beforeEach(async () => {
    await database.db.delete(receivedEvents);
    observed = new ObservedGraph(await openGraph());
    projector = new EventProjector({ db: database.db, graph: observed, clock: systemClock, log: silentLogger });
  });
  afterAll(async () => {
    await projector.stop();
    await database.close();
  });

  test('concurrent batches of every partition, with redeliveries, give the graph of the events applied one by one', async () => {
    const history = randomHistory(31, 40, 600);
    const reference = new MemoryGraph();
    for (const e of history) await reference.apply([e]);
    const random = seededRandom(5);
    const partitions = partitioned(history).map((p) => ({ ...p, next: 0 }));
    expect(partitions.length).toBeGreaterThan(PARTITIONS);
    let calls = 0;
    // Each round, every partition with events left hands over its next batch at the same time;
    // now and then a partition redelivers from an earlier offset (at least once), so that a
    // stream's older versions reach the graph after its newer ones.
    while (partitions.some((p) => p.next < p.events.length)) {
      const round = partitions
        .filter((p) => p.next < p.events.length)
        .map((p) => {
          const from = random() < 0.2 ? Math.max(0, p.next - Math.floor(random() * 10)) : p.next;
          p.next = Math.min(p.events.length, p.next + 1 + Math.floor(random() * 8));
          return projector.handle(p.topic, p.events.slice(from, p.next));
        });
      calls += round.length;
      await Promise.all(round);
    }
    expect(await observed.graph.snapshot()).toEqual(await reference.snapshot());
    expect(await logged()).toBe(history.length);
    // Grouped: far fewer graph transactions than batches handed over.
    expect(observed.applies).toBeLessThan(calls / 3);
  });

  test('an event no upcaster can read fails only its own batch; the batches grouped with it are applied', async () => {
    const e = eventFactory();
    const unreadable = { ...e.userCreated(2), schemaVersion: 99 };
    const poisoned = [e.userCreated(1), unreadable];
    const others = [[e.friendAdded(1, 3)], [e.userCreated(3), e.userCreated(4)]];
    const results = await Promise.allSettled([
      projector.handle(FRIEND_EVENTS_TOPIC, others[0]!),
      projector.handle(USER_EVENTS_TOPIC, poisoned),
      projector.handle(USER_EVENTS_TOPIC, others[1]!),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (results[1] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(DeadLetterError);
    expect(reason.eventId).toBe(unreadable.id);
    expect((await observed.graph.snapshot()).users.map((u) => u.id)).toEqual([1, 3, 4]);
    expect(await logged()).toBe(3);
  });

  test('a group the graph fails is refused as a whole; delivered again, each event counts once', async () => {
    const e = eventFactory();
    const batches: [string, EventEnvelope[]][] = [
      [USER_EVENTS_TOPIC, [e.userCreated(1), e.userCreated(2), e.userUpdated(1, 'Ada', 'L')]],
      [FRIEND_EVENTS_TOPIC, [e.friendAdded(1, 2), e.friendRemoved(1, 2), e.friendAdded(2, 3)]],
    ];
    const reference = new MemoryGraph();
    for (const [, events] of batches) await reference.apply(events as GraphEvent[]);
    observed.failNext = true;
    const failed = await Promise.allSettled(batches.map(([topic, events]) => projector.handle(topic, events)));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(observed.applies).toBe(1);
    // The bus delivers both again, in another grouping: each partition on its own.
    for (const [topic, events] of batches) await projector.handle(topic, events);
    expect(await observed.graph.snapshot()).toEqual(await reference.snapshot());
    expect(await logged()).toBe(6);
  });
}
