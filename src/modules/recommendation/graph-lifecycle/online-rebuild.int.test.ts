import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import type { Database } from '../../../platform/db/database';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { silentLogger } from '../../../platform/log';
import { call } from '../../../../test/kits/http';
import { FRIEND_EVENTS_TOPIC } from '../../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import { Neo4jGraph } from '../graph/neo4j-graph';
import { createRecommendationModule, recommendationMigrationsFolder } from '../index';
import { eventFactory } from '../../../../test/kits/recommendation/events';

// A real Neo4j (Community: one database) behind the online rebuild; the log is embedded. The test
// clears the graph's labels: use a test server.
const { NEO4J_URL: url, NEO4J_USER: user = 'neo4j', NEO4J_PASSWORD: password = '' } = process.env;
const skipped = url ? '' : ' (SKIPPED: NEO4J_URL is not set)';

describe.skipIf(!url)(`online rebuild of a Neo4j graph${skipped}`, () => {
  let database: Database;
  let graph: Neo4jGraph;
  let bus: InProcessBus;
  let module: ReturnType<typeof createRecommendationModule>;
  const e = eventFactory();
  const USERS = 120;

  beforeAll(async () => {
    database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
    graph = new Neo4jGraph({ url: url!, user, password }, silentLogger);
    await graph.init();
    await graph.clear();
    bus = new InProcessBus();
    module = createRecommendationModule({ database, bus, graph, log: silentLogger, replayPageSize: 50 });
    await module.connect();
    await bus.publish(USER_EVENTS_TOPIC, Array.from({ length: USERS }, (_, i) => e.userCreated(i + 1)));
    const edges = [];
    for (let i = 1; i <= USERS; i++) for (const d of [1, 3, 7]) edges.push(e.friendAdded(i, ((i + d - 1) % USERS) + 1));
    await bus.publish(FRIEND_EVENTS_TOPIC, edges);
  });
  afterAll(async () => {
    await module?.stop();
    await bus?.close();
    await graph?.clear();
    await graph?.close();
    await database?.close();
  });

  const answers = async () => {
    const out: unknown[] = [];
    for (const id of [1, 40, 119]) out.push((await call(module.app, 'GET', `/v1/users/${id}/commands/recommendFriends`)).body);
    return out;
  };

  test('reads are answered identically while Neo4j is cleared and reloaded; the checkpoint is the log end after', async () => {
    const before = await answers();
    const apply = graph.apply.bind(graph);
    let midway = 0;
    let differing = 0;
    graph.apply = async (events) => {
      if (JSON.stringify(await answers()) !== JSON.stringify(before)) differing++;
      midway++;
      return apply(events);
    };
    const rebuilding = module.rebuild();
    await bus.publish(USER_EVENTS_TOPIC, [e.userCreated(5000)]);
    await bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(5000, 1)]);
    await rebuilding;
    graph.apply = apply;
    expect(midway).toBeGreaterThan(5);
    expect(differing).toBe(0);
    expect(await answers()).toEqual(before); // the live user befriended 1 only, whom no sampled user is a friend of
    const status = (await call(module.app, 'GET', '/admin/projection')).status;
    expect(status).toBe(403); // no ADMIN_TOKEN and not open
    expect((await module.operations.audit()).divergences).toBe(0);
    const s = await module.operations.status();
    expect(s.graph.checkpoint).toBe(s.log.lastPosition);
    expect((await graph.snapshot()).users.some((u) => u.id === 5000)).toBe(true);
  });
});
