import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { missingEngineVariables, startCluster, type Cluster } from '../harness/distributed';
import { eventually } from '../kits/processes';

/**
 * Erasure in distributed mode (Kafka, PostgreSQL, Neo4j, one process per module) while the
 * recommendation service is down: the erasure is acknowledged without it, the friend service ends
 * the friendships, and the recommendation service erases the user from Neo4j when it catches up.
 */
const missing = missingEngineVariables();
const skipNote = missing.length ? ` (SKIPPED: ${missing.join(', ')} not set)` : '';

describe.skipIf(missing.length > 0)(`erasure with the recommendation consumer stopped${skipNote}`, () => {
  let cluster: Cluster;
  const marker = `Zq${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const ids = { ada: 0, erin: 0, cleo: 0, dan: 0 };

  beforeAll(async () => {
    cluster = await startCluster({ friendInstances: 1 });
  }, 120_000);
  afterAll(() => cluster?.close(), 120_000);

  const recommendedTo = async (id: number) => (await cluster.api('GET', `/recommendation/v1/users/${id}/commands/recommendFriends`)).body;

  test('the erasure is acknowledged, then applied by the recommendation service once it is back', () =>
    cluster.explain(async () => {
      for (const [key, [firstName, lastName]] of Object.entries({ ada: ['Ada', 'A'], erin: [marker, marker], cleo: ['Cleo', 'C'], dan: ['Dan', 'D'] })) {
        ids[key as keyof typeof ids] = (await cluster.api('POST', '/user/v1/users', { firstName, lastName })).body.id;
      }
      const { ada, erin, cleo, dan } = ids;
      for (const [a, b] of [[ada, erin], [erin, cleo], [cleo, dan], [ada, cleo]]) {
        expect((await cluster.api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${b}`)).status).toBe(201);
      }
      await eventually('the graph to recommend the erased-to-be user', async () => JSON.stringify(await recommendedTo(dan)).includes(marker), 60_000);

      await cluster.kill('recommendation', 'SIGTERM');
      expect((await cluster.api('DELETE', `/user/v1/users/${erin}`)).status).toBe(204);
      expect((await cluster.api('GET', `/user/v1/users/${erin}`)).status).toBe(410);
      await eventually('the friend service to end the friendships', async () => {
        const lists = await Promise.all([ada, erin, cleo].map(async (id) => (await cluster.api('GET', `/friend/v1/users/${id}/friends`)).body));
        return !JSON.stringify(lists).includes(`":${erin},`) && lists[1].length === 0;
      }, 60_000);
      expect((await cluster.api('POST', `/friend/v1/users/${dan}/commands/addFriend?friendId=${erin}`)).status).toBe(410);

      await cluster.restart('recommendation');
      await eventually('the recommendation service to catch up with the erasure', async () => {
        const recs = await recommendedTo(ada);
        return JSON.stringify(recs.map((r: any) => r.user.id)) === JSON.stringify([dan]) && !JSON.stringify(await recommendedTo(dan)).includes(marker);
      }, 60_000);
      expect((await cluster.api('GET', `/recommendation/v1/users/${ada}/commands/findMutualFriends?friendId=${cleo}`)).body).toEqual([]);
      // Neo4j is fed from the log a moment after the replicas answer. (Names never reach it: the
      // erasure shows as the user's dates gone and no friendship left.)
      await eventually('Neo4j to have the erasure', async () => {
        const { users, friendships } = await cluster.graphSnapshot();
        return users.find((u) => u.id === erin)?.createdAt === null && !friendships.some(([a, b]) => a === erin || b === erin);
      }, 30_000);
      const graph = await cluster.graphSnapshot();
      expect(JSON.stringify(graph)).not.toContain(marker);
      expect(graph.users.find((u) => u.id === erin)).toMatchObject({ id: erin, createdAt: null, lastModified: null });
      expect(graph.friendships.filter(([a, b]) => a === erin || b === erin)).toEqual([]);
    }), 240_000);
});
