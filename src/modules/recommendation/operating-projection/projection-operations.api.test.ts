import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import type { Database } from '../../../platform/db/database';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { silentLogger } from '../../../platform/log';
import { Metrics } from '../../../platform/metrics/metrics';
import { call } from '../../../../test/kits/http';
import { FRIEND_EVENTS_TOPIC } from '../../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import { MemoryGraph } from '../graph/memory-graph';
import type { GraphEvent, SocialGraph } from '../graph/social-graph';
import { createRecommendationModule, recommendationMigrationsFolder } from '../index';
import { eventFactory } from '../../../../test/kits/recommendation/events';
import { logHeads, type StreamSource } from './audit';

const TOKEN = 'a'.repeat(40);
const auth = { authorization: `Bearer ${TOKEN}` };
const e = eventFactory();

/** A graph that is not a MemoryGraph (as Neo4j is not): a rebuild must clear and reload it behind a stand-in. */
class OtherGraph implements SocialGraph {
  readonly inner = new MemoryGraph();
  failApplies = false;
  apply = (events: readonly GraphEvent[]) => (this.failApplies ? Promise.reject(new Error('graph went away')) : this.inner.apply(events));
  mutualFriends = (a: number, b: number, l: number) => this.inner.mutualFriends(a, b, l);
  recommendFriends = (a: number, l: number) => this.inner.recommendFriends(a, l);
  streamVersions = (ids: readonly string[]) => this.inner.streamVersions(ids);
  clear = () => this.inner.clear();
  snapshot = () => this.inner.snapshot();
  stats = () => this.inner.stats();
}

/** A fresh graph that fails after `after` pages while `fail.on`: a rebuild killed midway. */
function failingGraphs(fail: { on: boolean; after: number }) {
  return () => {
    let pages = 0;
    const g = new MemoryGraph();
    const apply = g.apply.bind(g);
    g.apply = async (events) => {
      if (fail.on && ++pages > fail.after) throw new Error('killed midway');
      return apply(events);
    };
    return g;
  };
}

let database: Database;
const stops: (() => Promise<void>)[] = [];

async function start(options: { graph?: SocialGraph; newGraph?: () => SocialGraph; sources?: StreamSource[]; admin?: { token?: string; openWithoutToken: boolean } } = {}) {
  const bus = new InProcessBus();
  const metrics = new Metrics({ service: 'recommendation' });
  const module = createRecommendationModule({
    database,
    bus,
    log: silentLogger,
    metrics,
    replayPageSize: 100,
    admin: options.admin ?? { token: TOKEN, openWithoutToken: false },
    ...(options.graph ? { graph: options.graph } : {}),
    ...(options.newGraph ? { newGraph: options.newGraph } : {}),
    ...(options.sources ? { auditSources: options.sources } : {}),
  });
  await module.connect();
  stops.push(async () => (await module.stop(), await bus.close()));
  return { bus, module };
}

const USERS = 300;
const SAMPLE = [1, 7, 50, 123, 299];
/** What every sampled user's recommendations and mutual friends are: reads must not change during a rebuild. */
async function answers(app: { handle(r: Request): Response | Promise<Response> }) {
  const out: unknown[] = [];
  for (const id of SAMPLE) {
    const r = await call(app, 'GET', `/v1/users/${id}/commands/recommendFriends`);
    const m = await call(app, 'GET', `/v1/users/${id}/commands/findMutualFriends?friendId=${id + 2}`);
    out.push([r.status, r.body, m.status, m.body]);
  }
  return out;
}

/** Reads in a loop until `until` settles; every answer must be 200 and equal to `expected`. */
async function readLoad(app: Parameters<typeof answers>[0], expected: unknown[], until: Promise<unknown>) {
  let done = false;
  void until.finally(() => (done = true)).catch(() => {});
  let reads = 0;
  let failed = 0;
  let differing = 0;
  while (!done) {
    // Requests arrive from sockets, between other work: an in-memory read alone never yields to it.
    await new Promise((resolve) => setImmediate(resolve));
    const got = await answers(app);
    reads += SAMPLE.length * 2;
    for (const [status, , mStatus] of got as [number, unknown, number][]) if (status !== 200 || mStatus !== 200) failed++;
    if (JSON.stringify(got) !== JSON.stringify(expected)) differing++;
  }
  return { reads, failed, differing };
}

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  const seed = await start();
  await seed.bus.publish(USER_EVENTS_TOPIC, Array.from({ length: USERS }, (_, i) => e.userCreated(i + 1)));
  const edges = [];
  for (let i = 1; i <= USERS; i++) for (const d of [1, 3, 7]) edges.push(e.friendAdded(i, ((i + d - 1) % USERS) + 1));
  await seed.bus.publish(FRIEND_EVENTS_TOPIC, edges);
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await database.close();
});

/** Wraps a graph's apply so that every page a rebuild applies first runs `probe` (reads in the middle of the rebuild, deterministically). */
function probed<G extends SocialGraph>(graph: G, probe: { run?: () => Promise<void> }): G {
  const apply = graph.apply.bind(graph);
  graph.apply = async (events) => {
    await probe.run?.();
    return apply(events);
  };
  return graph;
}

describe.each([
  ['the memory graph (swapped in)', () => new MemoryGraph() as SocialGraph],
  ['a graph of its own (reloaded behind a stand-in, as Neo4j)', () => new OtherGraph() as SocialGraph],
])('online rebuild of %s', (_name, graphOf) => {
  test('reads keep being answered, identically, and events arriving meanwhile are kept', async () => {
    const probe: { run?: () => Promise<void> } = {};
    const { bus, module } = await start({ graph: probed(graphOf(), probe), newGraph: () => probed(new MemoryGraph(), probe) });
    const before = await answers(module.app);
    expect((await module.operations.audit()).divergences).toBe(0);
    const midway = { reads: 0, failed: 0, differing: 0 };
    probe.run = async () => {
      const got = (await answers(module.app)) as [number, unknown, number][];
      midway.reads += SAMPLE.length * 2;
      midway.failed += got.filter(([a, , b]) => a !== 200 || b !== 200).length;
      if (JSON.stringify(got) !== JSON.stringify(before)) midway.differing++;
    };
    const rebuilding = module.rebuild();
    // Live events during the rebuild: users of their own, so the sampled answers stay the same.
    const live = (async () => {
      for (let i = 0; i < 10; i++) {
        await bus.publish(USER_EVENTS_TOPIC, [e.userCreated(10_000 + i)]);
        await bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(10_000 + i, 10_000 + ((i + 1) % 10))]);
      }
    })();
    const load = await readLoad(module.app, before, Promise.all([rebuilding, live]));
    probe.run = undefined;
    expect(midway.reads).toBeGreaterThan(100);
    expect(midway).toMatchObject({ failed: 0, differing: 0 });
    expect(load).toMatchObject({ failed: 0, differing: 0 });
    expect(await answers(module.app)).toEqual(before);
    const mutual = await call(module.app, 'GET', '/v1/users/10000/commands/findMutualFriends?friendId=10002');
    expect(mutual.body.map((u: { id: number }) => u.id)).toEqual([10001]);
    expect((await module.operations.audit()).divergences).toBe(0);
    expect(module.operations.rebuilder.progress()).toMatchObject({ running: false, last: { ok: true } });
  });
});

test('a rebuild yields between pages: a request arriving meanwhile is answered before it ends', async () => {
  const { module } = await start();
  let rebuilt = false;
  const rebuilding = module.rebuild().then(() => (rebuilt = true));
  // A request from a socket is a new task of the event loop, as this one is. PGlite answers
  // queries without giving one a turn, so only the replay's own yield lets it in.
  await new Promise((resolve) => setImmediate(resolve));
  const read = await call(module.app, 'GET', '/v1/users/1/commands/recommendFriends');
  expect({ status: read.status, rebuiltBeforeTheRead: rebuilt }).toEqual({ status: 200, rebuiltBeforeTheRead: false });
  await rebuilding;
});

describe('a rebuild killed midway', () => {
  test('leaves the old graph serving (memory); the next rebuild succeeds', async () => {
    const fail = { on: true, after: 3 };
    const { module } = await start({ newGraph: failingGraphs(fail) });
    const before = await answers(module.app);
    await expect(module.rebuild()).rejects.toThrow('killed midway');
    expect(module.operations.rebuilder.progress()).toMatchObject({ running: false, last: { ok: false, error: 'killed midway' } });
    expect(await answers(module.app)).toEqual(before);
    fail.on = false;
    await module.rebuild();
    expect(await answers(module.app)).toEqual(before);
    expect((await module.operations.audit()).divergences).toBe(0);
  });

  test('a graph of its own that fails while reloaded: reads stay on the stand-in; the next rebuild restores it', async () => {
    const graph = new OtherGraph();
    const { module } = await start({ graph });
    const before = await answers(module.app);
    const inner = graph.inner.apply.bind(graph.inner);
    let pages = 0;
    graph.apply = async (events) => {
      if (++pages === 2) throw new Error('graph went away');
      return inner(events);
    };
    await expect(module.rebuild()).rejects.toThrow('graph went away');
    expect(await answers(module.app)).toEqual(before);
    await module.rebuild();
    expect(await answers(module.app)).toEqual(before);
    expect((await module.operations.audit()).divergences).toBe(0);
  });
});

describe('audit', () => {
  test('reports a planted divergence in the graph and between the log and a domain store', async () => {
    const graph = new MemoryGraph();
    // The store agrees with the log except for two planted streams: one ahead, one the log lacks.
    const inLog = [...(await logHeads(database.db))].filter(([id]) => id.startsWith('user-'));
    const store: StreamSource = {
      name: 'user',
      prefix: 'user-',
      async *heads() {
        for (const [id, v] of inLog) yield [id, id === 'user-5' ? v + 1 : v] as [string, number];
        yield ['user-99999', 1];
      },
    };
    const { module } = await start({ graph, sources: [store] });
    // Behind the log's back: an edge deleted from the live graph only.
    await graph.apply([{ ...(e.friendRemoved(1, 2) as any), streamVersion: 99, type: 'FriendRemoved', data: { friendshipId: 0, userId: 1, friendId: 2 } } as GraphEvent]);
    const report = await call(module.app, 'POST', '/admin/projection/audit', undefined, auth);
    expect(report.status).toBe(200);
    expect(report.body.items).toContainEqual({ kind: 'friendship', issue: 'missing', pair: [1, 2] });
    expect(report.body.items).toContainEqual({ kind: 'graph-stream', issue: 'different', streamId: 'friendship-1-2', live: 99, rebuilt: 1 });
    expect(report.body.items).toContainEqual({ kind: 'log-stream', source: 'user', issue: 'missing', streamId: 'user-99999', store: 1 });
    expect(report.body.items).toContainEqual({ kind: 'log-stream', source: 'user', issue: 'behind', streamId: 'user-5', log: 1, store: 2 });
    expect(report.body.divergences).toBe(4);
    const metrics = await call(module.app, 'GET', '/metrics');
    expect(metrics.body).toContain('projection_audit_divergences{service="recommendation"} 4');
  });
});

describe('/admin/projection', () => {
  test('takes only the ADMIN_TOKEN bearer; without a token it is refused unless open', async () => {
    const { module } = await start();
    expect((await call(module.app, 'GET', '/admin/projection')).status).toBe(401);
    expect((await call(module.app, 'GET', '/admin/projection', undefined, { authorization: `Bearer ${'b'.repeat(40)}` })).status).toBe(401);
    expect((await call(module.app, 'POST', '/admin/projection/rebuild')).status).toBe(401);
    const status = await call(module.app, 'GET', '/admin/projection', undefined, auth);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ graph: { users: expect.any(Number), checkpoint: null }, rebuild: { running: false } });
    expect(status.body.log.topics.map((t: { topic: string }) => t.topic)).toEqual([FRIEND_EVENTS_TOPIC, USER_EVENTS_TOPIC]);
    const closed = await start({ admin: { openWithoutToken: false } });
    expect((await call(closed.module.app, 'GET', '/admin/projection')).status).toBe(403);
    const open = await start({ admin: { openWithoutToken: true } });
    expect((await call(open.module.app, 'GET', '/admin/projection')).status).toBe(200);
  });

  test('rebuild starts in the background (202), a second is refused (409), progress shows until done', async () => {
    const { module } = await start();
    const first = await call(module.app, 'POST', '/admin/projection/rebuild', undefined, auth);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ running: true, phase: 'building', total: expect.any(Number) });
    expect((await call(module.app, 'POST', '/admin/projection/rebuild', undefined, auth)).status).toBe(409);
    let status;
    // Polled as a client would, a request at a time with a pause, not in one unbroken turn.
    do status = (await Bun.sleep(5), await call(module.app, 'GET', '/admin/projection', undefined, auth)).body;
    while (status.rebuild.running);
    expect(status.rebuild.last).toMatchObject({ ok: true, events: status.log.events });
  });

  test('is not in the OpenAPI document', async () => {
    const { module } = await start();
    const doc = await call(module.app, 'GET', '/swagger/json');
    expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
  });
});
