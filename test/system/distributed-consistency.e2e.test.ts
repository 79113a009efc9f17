import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { missingEngineVariables, startCluster, type Cluster } from '../harness/distributed';

/**
 * Read your writes across processes: two recommendation instances share one Neo4j and split the
 * Kafka partitions, so the instance that answers a read is often not the one that applied the
 * event it waits for. With the command's Consistency-Token no read is stale.
 */
const missing = missingEngineVariables();
const skipNote = missing.length ? ` (SKIPPED: ${missing.join(', ')} not set)` : '';
if (missing.length) console.warn(`distributed-consistency.e2e.test.ts${skipNote}`);

const TOKEN = 'consistency-token';
const ROUNDS = 1_000;
const UNTOKENED = 200;
const WORKERS = 16;

describe.skipIf(missing.length > 0)(`Consistency-Token in distributed mode, two recommendation instances${skipNote}`, () => {
  let cluster: Cluster;
  let hub: number;
  let anchor: number;
  const users: number[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ friendInstances: 2, recommendationInstances: 2 });
  }, 180_000);
  afterAll(() => cluster?.close(), 120_000);

  const inParallel = async (count: number, work: (i: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: WORKERS }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }));
  };

  async function addThenRead(from: number, count: number, withToken: boolean) {
    let stale = 0;
    const latencies: number[] = [];
    await inParallel(count, async (k) => {
      const user = users[from + k]!;
      const added = await cluster.api('POST', `/friend/v1/users/${user}/commands/addFriend?friendId=${hub}`);
      expect(added.status).toBe(201);
      const started = performance.now();
      const mutual = await cluster.api('GET', `/recommendation/v1/users/${user}/commands/findMutualFriends?friendId=${anchor}`, undefined, withToken ? { [TOKEN]: added.headers.get(TOKEN)! } : {});
      latencies.push(performance.now() - started);
      expect(mutual.status).toBe(200);
      if (mutual.body.length !== 1 || mutual.body[0].id !== hub) stale++;
    });
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    return { stale, p50: at(0.5), p99: at(0.99) };
  }

  test(`stale without a token; never with one, over ${ROUNDS} pairs`, () =>
    cluster.explain(async () => {
      hub = (await cluster.api('POST', '/user/v1/users', { firstName: 'Hub', lastName: 'Center' })).body.id;
      await inParallel(ROUNDS + UNTOKENED + 1, async (i) => {
        users[i] = (await cluster.api('POST', '/user/v1/users', { firstName: `U${i}`, lastName: 'Dist' })).body.id;
      });
      anchor = users[0]!;
      const first = await cluster.api('POST', `/friend/v1/users/${anchor}/commands/addFriend?friendId=${hub}`);
      expect(first.status).toBe(201);
      // Both instances answer; each must honour the token whichever applied the event.
      for (let i = 0; i < 4; i++) {
        const res = await cluster.api('GET', `/recommendation/v1/users/${hub}/commands/recommendFriends`, undefined, { [TOKEN]: first.headers.get(TOKEN)! });
        expect(res.status).toBe(200);
      }
      const plain = await addThenRead(1, UNTOKENED, false);
      const tokened = await addThenRead(UNTOKENED + 1, ROUNDS, true);
      console.log(`distributed: without token ${plain.stale}/${UNTOKENED} stale; with token ${tokened.stale}/${ROUNDS} stale, read p50 ${tokened.p50} ms, p99 ${tokened.p99} ms`);
      const metrics = await Promise.all(['recommendation', 'recommendation-2'].map(async (name) => (await fetch(`http://127.0.0.1:${cluster.instance(name).port}/metrics`)).text()));
      for (const text of metrics) console.log(text.split('\n').filter((l) => l.startsWith('consistency_waits_total')).join('\n'));
      expect(plain.stale).toBeGreaterThan(0);
      expect(tokened.stale).toBe(0);
    }), 300_000);
});
