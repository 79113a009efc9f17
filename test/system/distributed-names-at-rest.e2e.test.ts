import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import neo4j from 'neo4j-driver';
import { missingEngineVariables, startCluster, type Cluster } from '../harness/distributed';
import { eventually } from '../kits/processes';

/**
 * Names at rest in distributed mode (Kafka, PostgreSQL, Neo4j): the recommendation service shows
 * the users' names, and neither its PostgreSQL database (every row of every table) nor Neo4j
 * (every property of every node and relationship) holds any of them.
 */
const missing = missingEngineVariables();
const skipNote = missing.length ? ` (SKIPPED: ${missing.join(', ')} not set)` : '';

describe.skipIf(missing.length > 0)(`names at rest, distributed${skipNote}`, () => {
  let cluster: Cluster;
  const marker = () => `Nd${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const names = { ada: [marker(), marker()], bob: [marker(), marker()], cy: [marker(), marker()], cyRenamed: [marker(), marker()] };
  const markers = Object.values(names).flat();
  // bytea columns read as text are hex: search for that form too.
  const forms = markers.flatMap((m) => [m, Buffer.from(m).toString('hex')]);
  const ids = { ada: 0, bob: 0, cy: 0 };

  beforeAll(async () => {
    cluster = await startCluster({ friendInstances: 1 });
  }, 120_000);
  afterAll(() => cluster?.close(), 120_000);

  const named = (user: { firstName: string | null; lastName: string | null }) => [user.firstName, user.lastName];

  test('answers show current names; no table of the recommendation database and nothing in Neo4j holds one', () =>
    cluster.explain(async () => {
      for (const key of ['ada', 'bob', 'cy'] as const) {
        const [firstName, lastName] = names[key];
        ids[key] = (await cluster.api('POST', '/user/v1/users', { firstName, lastName })).body.id;
      }
      for (const [a, b] of [[ids.ada, ids.bob], [ids.bob, ids.cy]]) {
        expect((await cluster.api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${b}`)).status).toBe(201);
      }
      const recommended = async (headers: Record<string, string> = {}) =>
        (await cluster.api('GET', `/recommendation/v1/users/${ids.ada}/commands/recommendFriends`, undefined, headers)).body;
      await eventually('cy recommended to ada', async () => (await recommended()).length === 1, 60_000);
      expect(named((await recommended())[0].user)).toEqual(names.cy);
      const [firstName, lastName] = names.cyRenamed;
      const renamed = await cluster.api('PUT', `/user/v1/users/${ids.cy}`, { firstName, lastName });
      expect(renamed.status).toBe(200);
      expect(named((await recommended({ 'Consistency-Token': renamed.headers.get('consistency-token')! }))[0].user)).toEqual(names.cyRenamed);

      const tables = await cluster.query<{ name: string }>('recommendation', `
        select format('%I.%I', table_schema, table_name) as name from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'`);
      expect(tables.map((t) => t.name)).toContain('public.received_events');
      let rows = '';
      for (const { name } of tables) rows += (await cluster.query<{ row: string }>('recommendation', `select t::text as row from ${name} t`)).map((r) => r.row).join('\n');
      expect(rows).toContain(`user-${ids.cy}`);
      expect(forms.filter((m) => rows.includes(m))).toEqual([]);

      const driver = neo4j.driver(process.env.NEO4J_URL!, neo4j.auth.basic(process.env.NEO4J_USER ?? 'neo4j', process.env.NEO4J_PASSWORD ?? ''));
      try {
        // Neo4j is fed from the log a moment after the consumers acknowledged: wait until it holds the rename.
        await eventually('Neo4j to hold the renamed user', async () => {
          const { records } = await driver.executeQuery('MATCH (u:User) WHERE u.id = $id RETURN u.version AS version', { id: neo4j.int(ids.cy) });
          return Number(records[0]?.get('version') ?? 0) >= 2;
        }, 60_000);
        const nodes = await driver.executeQuery('MATCH (n) RETURN labels(n) AS labels, properties(n) AS props');
        const relationships = await driver.executeQuery('MATCH ()-[r]->() RETURN type(r) AS type, properties(r) AS props');
        const graph = JSON.stringify([...nodes.records, ...relationships.records].map((r) => r.toObject()), (_k, v) => (neo4j.isInt(v) ? v.toString() : v));
        expect(graph).toContain(`"id":"${ids.cy}"`);
        expect(markers.filter((m) => graph.includes(m))).toEqual([]);
      } finally {
        await driver.close();
      }
    }), 240_000);
});
