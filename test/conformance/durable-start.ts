import { afterAll, beforeAll, expect, test } from 'bun:test';
import { count, max } from 'drizzle-orm';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import type { Database } from '../../src/platform/db/database';
import { InProcessBus } from '../../src/platform/events/in-process-bus';
import { createLogger } from '../../src/platform/log';
import { eventually } from '../kits/processes';
import { FRIEND_EVENTS_TOPIC } from '../../src/modules/friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../src/modules/user/contracts/events';
import { createRecommendationModule, recommendationMigrationsFolder } from '../../src/modules/recommendation/module';
import { receivedEvents } from '../../src/modules/recommendation/schema';
import { eventFactory } from '../kits/recommendation/events';
import { MemoryGraph } from '../../src/modules/recommendation/graph/memory-graph';
import type { DurableGraph, SocialGraph } from '../../src/modules/recommendation/graph/social-graph';

/**
 * How the module starts on a graph that outlives it: it replays only the log rows after the graph's
 * checkpoint, keeps the checkpoint up to date, and can still drop and rebuild the graph.
 * Registers sequential tests; `graph` is one durable graph, shared by every module started here.
 */
export function durableStartConformance(openGraph: () => Promise<DurableGraph>): void {
  let database: Database;
  let graph: DurableGraph;
  const lines: Record<string, any>[] = [];
  const log = createLogger({}, 'info', (line) => lines.push(JSON.parse(line)));
  const running: { bus: InProcessBus; module: ReturnType<typeof createRecommendationModule> }[] = [];
  const e = eventFactory();

  async function start(on: SocialGraph) {
    const bus = new InProcessBus();
    const module = createRecommendationModule({ database, bus, graph: on, log });
    await module.connect();
    running.push({ bus, module });
    return { bus, module, caughtUp: lines.findLast((l) => l.msg === 'graph caught up with the event log') };
  }
  const lastPosition = async () => (await database.db.select({ last: max(receivedEvents.position) }).from(receivedEvents))[0]!.last!;
  const logged = async () => (await database.db.select({ n: count() }).from(receivedEvents))[0]!.n;
  const ring = (from: number, n: number) => Array.from({ length: n }, (_, i) => e.friendAdded(from + i, from + ((i + 1) % n)));

  beforeAll(async () => {
    database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
    graph = await openGraph();
    await graph.clear();
  });
  afterAll(async () => {
    for (const { bus, module } of running) {
      await module.stop();
      await bus.close();
    }
    await database.close();
  });

  test('a first start catches up from 0; stopping records the last log position', async () => {
    const first = await start(graph);
    expect(first.caughtUp).toMatchObject({ from: 0, events: 0 });
    await first.bus.publish(USER_EVENTS_TOPIC, [1, 2, 3, 4, 5].map((id) => e.userCreated(id)));
    await first.bus.publish(FRIEND_EVENTS_TOPIC, ring(1, 5));
    // The first batch saves a checkpoint at once (in the background), later ones at most every few seconds.
    await eventually('a first checkpoint', async () => (await graph.checkpoint()) > 0, 5_000);
    await first.module.stop();
    expect(await graph.checkpoint()).toBe(await lastPosition());
  });

  test('a restart replays nothing and keeps the graph', async () => {
    const before = await graph.snapshot();
    const again = await start(graph);
    expect(again.caughtUp).toMatchObject({ from: await lastPosition(), events: 0 });
    expect(await graph.snapshot()).toEqual(before);
    await again.module.stop();
  });

  test('rows logged while the graph was away are replayed, and only those', async () => {
    const from = await graph.checkpoint();
    // Another instance on the same log, with a graph of its own, receives what this graph misses.
    const reference = new MemoryGraph();
    const other = await start(reference);
    await other.bus.publish(FRIEND_EVENTS_TOPIC, [...ring(10, 4), e.friendRemoved(1, 2)]);
    await other.bus.publish(USER_EVENTS_TOPIC, [e.userUpdated(3, 'Grace', 'Hopper')]);
    const back = await start(graph);
    expect(back.caughtUp).toMatchObject({ from, events: 6 });
    expect(await graph.snapshot()).toEqual(await reference.snapshot());
    expect(await graph.checkpoint()).toBe(await lastPosition());
  });

  test('rebuild drops the graph and replays the log to an identical snapshot and checkpoint', async () => {
    const before = await graph.snapshot();
    const { module } = running.at(-1)!;
    expect((await module.rebuild()).events).toBe(await logged());
    expect(await graph.snapshot()).toEqual(before);
    expect(await graph.checkpoint()).toBe(await lastPosition());
  });

  test('a graph ahead of its log (fed by another log) is rebuilt from this one', async () => {
    const before = await graph.snapshot();
    await graph.saveCheckpoint((await lastPosition()) + 1000);
    const restarted = await start(graph);
    expect(restarted.caughtUp).toMatchObject({ from: 0, events: await logged() });
    expect(await graph.snapshot()).toEqual(before);
  });

  test('a module that never caught up never records a checkpoint', async () => {
    await graph.clear();
    const module = createRecommendationModule({ database, bus: new InProcessBus(), graph, log });
    await module.stop();
    expect(await graph.checkpoint()).toBe(0);
  });
}
