import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import neo4j from 'neo4j-driver';
import { missingEngineVariables, startCluster, type Cluster } from '../harness/distributed';
import { eventually } from '../kits/processes';

/**
 * Reads from the in-memory replica (RECOMMENDATION_READS=replica, the default with Neo4j): each of
 * two recommendation instances consumes only its own Kafka partitions, yet answers for every
 * friendship, because its replica tails the log both instances write. Removing the friendships
 * from Neo4j behind their back shows where the answers come from.
 */
const missing = missingEngineVariables();
const skipNote = missing.length ? ` (SKIPPED: ${missing.join(', ')} not set)` : '';
if (missing.length) console.warn(`distributed-replica.e2e.test.ts${skipNote}`);

const TOKEN = 'consistency-token';
const PAIRS = 16;
const INSTANCES = ['recommendation', 'recommendation-2'];
const ADMIN_TOKEN = 'replica-test-admin-token-0123456789abcdef';

describe.skipIf(missing.length > 0)(`recommendation reads from the replica, two instances${skipNote}`, () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ friendInstances: 1, recommendationInstances: 2, environment: (s): Record<string, string> => (s.module === 'recommendation' ? { ADMIN_TOKEN } : {}) });
  }, 180_000);
  afterAll(() => cluster?.close(), 120_000);

  /** A query on one instance's own port, not through the gateway: the instance is chosen, not balanced. */
  const ask = async (instance: string, path: string, token?: string) => {
    const res = await fetch(`http://127.0.0.1:${cluster.instance(instance).port}${path}`, { headers: token ? { [TOKEN]: token } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };

  /** `/admin/projection` on one instance's own port. */
  const admin = async (instance: string, method: 'GET' | 'POST', path = '') => {
    const res = await fetch(`http://127.0.0.1:${cluster.instance(instance).port}/admin/projection${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { status: res.status, body: (await res.json()) as any };
  };

  /** FriendAdded events this instance's consumer applied, from its own metrics. */
  const friendAddedConsumed = async (instance: string) => {
    const text = await (await fetch(`http://127.0.0.1:${cluster.instance(instance).port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('events_consumed_total') && l.includes('type="FriendAdded"'));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  test('every instance answers for friendships another instance consumed, and honours their tokens', () =>
    cluster.explain(async () => {
      const create = async (i: number) => (await cluster.api('POST', '/user/v1/users', { firstName: `R${i}`, lastName: 'Replica' })).body.id as number;
      const hub = await create(0);
      const users = await Promise.all(Array.from({ length: PAIRS }, (_, i) => create(i + 1)));
      const anchor = users[0]!;
      for (const user of users) {
        const added = await cluster.api('POST', `/friend/v1/users/${user}/commands/addFriend?friendId=${hub}`);
        expect(added.status).toBe(201);
        const token = added.headers.get(TOKEN)!;
        // Read your writes on both instances, whichever of them consumed the event.
        for (const instance of INSTANCES) {
          const res = await ask(instance, `/v1/users/${hub}/commands/findMutualFriends?friendId=${user}`, token);
          expect(res.status).toBe(200);
          const mutual = await ask(instance, `/v1/users/${user}/commands/findMutualFriends?friendId=${anchor}`, token);
          expect(mutual.body.map((u: { id: number }) => u.id)).toEqual(user === anchor ? [] : [hub]);
        }
      }
      // The partitions were split: each instance consumed some of the friendships, not all.
      const consumed = await Promise.all(INSTANCES.map(friendAddedConsumed));
      expect(consumed.every((n) => n > 0 && n < PAIRS)).toBe(true);

      // Neo4j, fed from the log by one of the instances, has every friendship too.
      await eventually('Neo4j to hold every friendship', async () => (await cluster.graphSnapshot()).friendships.length === PAIRS, 30_000);

      // Neo4j loses the friendships; the replicas, fed by the log, still hold them.
      const driver = neo4j.driver(process.env.NEO4J_URL!, neo4j.auth.basic(process.env.NEO4J_USER ?? 'neo4j', process.env.NEO4J_PASSWORD ?? ''));
      try {
        await driver.executeQuery('MATCH (:User)-[f:FRIEND]-(:User) DELETE f');
        const { records } = await driver.executeQuery('MATCH (:User)-[f:FRIEND]-(:User) RETURN count(f) AS n');
        expect(records[0]!.get('n').toNumber()).toBe(0);
      } finally {
        await driver.close();
      }
      for (const instance of INSTANCES) {
        const recommended = await ask(instance, `/v1/users/${anchor}/commands/recommendFriends?limit=100`);
        expect(recommended.body.map((r: { user: { id: number } }) => r.user.id).sort((a: number, b: number) => a - b)).toEqual(users.slice(1).sort((a, b) => a - b));
      }
    }), 300_000);

  test('a rebuild of Neo4j pauses its feed and leaves it whole, and the feed goes on after it', () =>
    cluster.explain(async () => {
      // The first test left Neo4j without its FRIEND relationships: a rebuild reloads it from the log.
      const before = (await cluster.graphSnapshot()).friendships.length;
      expect((await admin('recommendation', 'POST', '/rebuild')).status).toBe(202);
      await eventually('the rebuild to finish', async () => {
        const { body } = await admin('recommendation', 'GET');
        return !body.rebuild.running && body.rebuild.last !== null;
      }, 60_000);
      expect((await admin('recommendation', 'GET')).body.rebuild.last.ok).toBe(true);
      await eventually('Neo4j to hold every friendship again', async () => (await cluster.graphSnapshot()).friendships.length === PAIRS, 30_000);
      expect(before).toBe(0);

      // Written after the rebuild: the feed (whichever instance holds it) brings it to Neo4j.
      const [a, b] = await Promise.all([1, 2].map(async (i) => (await cluster.api('POST', '/user/v1/users', { firstName: `After${i}`, lastName: 'Rebuild' })).body.id as number));
      expect((await cluster.api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${b}`)).status).toBe(201);
      await eventually('Neo4j to be fed the new friendship', async () => (await cluster.graphSnapshot()).friendships.length === PAIRS + 1, 30_000);
      const status = (await admin('recommendation-2', 'GET')).body;
      expect(status.replica).toMatchObject({ friendships: PAIRS + 1 });
      expect(status.graph.checkpoint).toBeNull();
    }), 120_000);
});
