import { afterAll, beforeAll, expect, test } from 'bun:test';
import { openEmbeddedDatabase } from '../../platform/db/embedded';
import type { Database } from '../../platform/db/database';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { MemoryGraph } from './graph/memory-graph';
import { createRecommendationModule, recommendationMigrationsFolder } from './index';

/** A graph held by a server (as Neo4j is) that the test takes away. */
class RemoteGraph extends MemoryGraph {
  reachable = true;
  async ping() {
    return this.reachable;
  }
}

let database: Database;
const graph = new RemoteGraph();
let recommendation: ReturnType<typeof createRecommendationModule>;

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  recommendation = createRecommendationModule({ database, bus: new InProcessBus(), graph, log: silentLogger });
});
afterAll(async () => {
  await recommendation.stop();
  await database.close().catch(() => {});
});

const status = async (path: string) => (await call(recommendation.app, 'GET', path)).status;

test('readiness needs the graph server as well as the database; liveness needs neither', async () => {
  expect([await status('/actuator/health/liveness'), await status('/actuator/health/readiness')]).toEqual([200, 200]);
  graph.reachable = false;
  expect([await status('/actuator/health/liveness'), await status('/actuator/health/readiness'), await status('/actuator/health')]).toEqual([200, 503, 503]);
  graph.reachable = true;
  expect(await status('/actuator/health/readiness')).toBe(200);
  await database.close();
  expect([await status('/actuator/health/liveness'), await status('/actuator/health/readiness')]).toEqual([200, 503]);
});
