import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import neo4j, { type Driver } from 'neo4j-driver';
import { silentLogger } from '../../../platform/log';
import { eventFactory, seededRandom, shuffled } from '../../../../test/kits/recommendation/events';
import { groupedDeliveryConformance } from '../../../../test/conformance/grouped-delivery';
import { durableStartConformance } from '../../../../test/conformance/durable-start';
import { applyInBatches, randomHistory, socialGraphConformance } from '../../../../test/conformance/social-graph';
import { MemoryGraph } from './memory-graph';
import * as cypher from './neo4j-cypher';
import { Neo4jGraph } from './neo4j-graph';
import { openNeo4jGraph } from './neo4j-open';

// Set by `bun run infra:up` in .infra/env. The tests clear the graph's labels: use a test database.
const { NEO4J_URL: url, NEO4J_USER: user = 'neo4j', NEO4J_PASSWORD: password = '' } = process.env;
const connection = url ? { url, user, password } : undefined;
const skipped = connection ? '' : ' (SKIPPED: NEO4J_URL is not set; run `bun run infra:up` and `source .infra/env`)';

test('a graph whose server does not answer is not ready (ping false, no throw)', async () => {
  const closed = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() });
  const port = closed.port!;
  closed.stop(true);
  const unreachable = new Neo4jGraph({ url: `bolt://127.0.0.1:${port}`, user: 'neo4j', password: 'x' }, silentLogger);
  try {
    expect(await unreachable.ping()).toBe(false);
  } finally {
    await unreachable.close();
  }
});

describe.skipIf(!connection)(`Neo4jGraph on a real Neo4j${skipped}`, () => {
  let graph: Neo4jGraph;
  beforeAll(async () => {
    graph = new Neo4jGraph(connection!, silentLogger);
    await graph.init();
  });
  afterAll(async () => {
    await graph.clear();
    await graph.close();
  });

  test('answers a readiness ping', async () => {
    expect(await graph.ping()).toBe(true);
  });

  describe('passes the SocialGraph conformance suite', () => {
    socialGraphConformance(async () => {
      await graph.clear();
      return graph;
    });
  });

  test('agrees with MemoryGraph on a random history delivered shuffled, duplicated and in random batches', async () => {
    const events = randomHistory(2024, 40, 500);
    expect(events.length).toBeGreaterThan(300);
    const reference = new MemoryGraph();
    await reference.apply(events);
    const random = seededRandom(11);
    await graph.clear();
    await applyInBatches(graph, shuffled([...events, ...events.filter(() => random() < 0.25)], random), random, 80);
    const expected = await reference.snapshot();
    expect(await graph.snapshot()).toEqual(expected);
    expect(await graph.stats()).toEqual(await reference.stats());
    for (const { id } of expected.users) {
      expect(await graph.recommendFriends(id, 1000)).toEqual(await reference.recommendFriends(id, 1000));
      expect(await graph.recommendFriends(id, 3)).toEqual(await reference.recommendFriends(id, 3));
      for (const other of [1 + ((id * 7) % 40), 1 + ((id + 1) % 40)]) {
        expect(await graph.mutualFriends(id, other, 1000)).toEqual(await reference.mutualFriends(id, other, 1000));
      }
    }
  });

  test('a writer reads a stream version only once it holds the lock, so an older event never commits last', async () => {
    const driver = neo4j.driver(connection!.url, neo4j.auth.basic(connection!.user, connection!.password));
    try {
      // Lock grant order is not guaranteed, so a missing lock shows in most rounds, not in each.
      for (let round = 0; round < 4; round++) await olderEventQueuedBehindNewest(driver);
    } finally {
      await driver.close();
    }
  });

  async function olderEventQueuedBehindNewest(driver: Driver) {
    await graph.clear();
    const e = eventFactory();
    const user = [e.userCreated(1, 'A', 'A'), e.userUpdated(1, 'B', 'B'), e.userUpdated(1, 'C', 'C')];
    const pair = [e.friendAdded(1, 2), e.friendRemoved(1, 2), e.friendAdded(1, 2)];
    await graph.apply([user[0]!, pair[0]!]);
    // Another transaction holds both nodes; the newest event, then an older one, queue up behind it.
    const session = driver.session();
    try {
      const holder = await session.beginTransaction();
      await holder.run("MATCH (u:User {id: 1}), (p:Pair {stream: 'friendship-1-2'}) SET u._held = true, p._held = true");
      const newest = graph.apply([user[2]!, pair[2]!]);
      await Bun.sleep(150);
      const older = graph.apply([user[1]!, pair[1]!]);
      await Bun.sleep(150);
      await holder.rollback();
      await Promise.all([newest, older]);
    } finally {
      await session.close();
    }
    const snapshot = await graph.snapshot();
    expect(snapshot.streams).toEqual([['friendship-1-2', 3], ['user-1', 3]]);
    expect(snapshot.friendships).toEqual([[1, 2]]);
    expect(snapshot.users[0]).toMatchObject({ version: 3, lastModified: user[2]!.occurredAt });
  }

  test('a clear() interrupted after any slice leaves a graph that replaying the log repairs', async () => {
    const events = randomHistory(5, 30, 300);
    const reference = new MemoryGraph();
    await reference.apply(events);
    const driver = neo4j.driver(connection!.url, neo4j.auth.basic(connection!.user, connection!.password));
    try {
      for (const [pairs, users] of [[10, 0], [1_000_000, 12]] as const) {
        await graph.clear();
        await graph.apply(events);
        await graph.saveCheckpoint(99);
        // What clear() does, stopped part-way: some pairs (or all pairs and some users) deleted.
        await driver.executeQuery(cypher.CLEAR_CHECKPOINTS);
        await driver.executeQuery(cypher.CLEAR_PAIRS, { slice: neo4j.int(pairs) });
        if (users > 0) await driver.executeQuery(cypher.CLEAR_USERS, { slice: neo4j.int(users) });
        expect(await graph.checkpoint()).toBe(0);
        await graph.apply(events);
        expect(await graph.snapshot()).toEqual(await reference.snapshot());
      }
    } finally {
      await driver.close();
    }
  });

  test('an upgrade takes off the names an older release stored on user nodes, and writes none again', async () => {
    const e = eventFactory();
    await graph.clear();
    await graph.apply([e.userCreated(1), e.userCreated(2), e.friendAdded(1, 2)]);
    const driver = neo4j.driver(connection!.url, neo4j.auth.basic(connection!.user, connection!.password));
    const properties = async () =>
      (await driver.executeQuery('MATCH (u:User) RETURN u.id AS id, keys(u) AS keys ORDER BY id')).records.map((r) => [neo4j.integer.toNumber(r.get('id')), [...r.get('keys')].sort()]);
    try {
      // As the previous release left them: names on the nodes.
      await driver.executeQuery("MATCH (u:User) SET u.firstName = 'Old' + toString(u.id), u.lastName = 'Name'");
      const restarted = new Neo4jGraph(connection!, silentLogger);
      await restarted.init();
      expect(await restarted.removeNames()).toBe(0); // init() already did it; a second run finds nothing
      await restarted.close();
      await graph.apply([e.userUpdated(1, 'New', 'Name')]);
      expect(await properties()).toEqual([
        [1, ['createdAt', 'id', 'lastModified', 'version']],
        [2, ['createdAt', 'id', 'lastModified', 'version']],
      ]);
    } finally {
      await driver.close();
    }
  });

  test('openNeo4jGraph returns an initialised graph, and fails with the server\'s reason on bad credentials', async () => {
    const opened = await openNeo4jGraph(connection!, silentLogger);
    expect(await opened.stats()).toEqual(await graph.stats());
    await opened.close();
    await expect(openNeo4jGraph({ ...connection!, password: 'wrong' }, silentLogger)).rejects.toThrow(/auth/i);
  });

  test('the log checkpoint only rises, and clear() forgets it', async () => {
    await graph.clear();
    expect(await graph.checkpoint()).toBe(0);
    await graph.saveCheckpoint(10);
    await graph.saveCheckpoint(5);
    expect(await graph.checkpoint()).toBe(10);
    await graph.clear();
    expect(await graph.checkpoint()).toBe(0);
  });

  describe('module start-up replays only what the graph missed', () => {
    durableStartConformance(async () => graph);
  });

  describe('the projector writes batches handed over together as one transaction', () => {
    groupedDeliveryConformance(async () => {
      await graph.clear();
      return graph;
    });
  });
});
