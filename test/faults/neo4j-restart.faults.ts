import { describe, expect, test } from 'bun:test';
import { seeded, tally } from '../harness/distributed';
import { engineOutageSuite, perPhase, type Phase } from './engine-outage';
import { expectExactlyOnce } from './exactly-once';
import { faultSeed } from './fault-suite';
import { pickUser, randomFriendshipCommand, renameCommand } from './random-commands';

/**
 * Neo4j restarted while the recommendation service consumes a steady stream of events. With reads
 * from the replicas (the default) the consumers only log and reads keep being answered; the feed
 * into Neo4j fails and reads again from its stored cursor until Neo4j is back. With
 * RECOMMENDATION_READS=neo4j the consumer fails on the graph and is delivered the batch again. The
 * log's unique event ids and the graph's per-stream versions make the repeats harmless.
 */
const seed = faultSeed('neo4j-restart.faults.ts');
const DOWN_MS = 5_000;

describe('Neo4j restarted during consumption', () => {
  const suite = engineOutageSuite('neo4j-restart.faults.ts', 'neo4j', 'neo4j');

  test(`the projection recovers and converges: nothing lost, nothing doubled (seed ${seed})`, () =>
    suite.cluster.explain(async () => {
      const { cluster, ledger } = suite;
      const users = await ledger.createUsers(16, 'N');
      const random = seeded(seed);
      /** What readers of recommendations got meanwhile: reported, not asserted (see the summary). */
      const reads = perPhase<Record<number, number>>(() => ({}));

      const { statuses, errors, issued, acknowledged, timings } = await suite.burstThroughOutage({
        downMs: DOWN_MS,
        budget: { before: 40, stopping: 60, down: 150, starting: 300, after: 40 },
        paceMs: 100,
        command: () => (random() >= 0.1 ? randomFriendshipCommand(ledger, users, random) : renameCommand(ledger, pickUser(users, random), random, 'Graph')),
        beside: async (phase) => {
          while (phase() !== 'done') {
            const at = phase();
            const res = await cluster.api('GET', `/recommendation/v1/users/${users[0]}/commands/recommendFriends`, undefined, {}, 15_000).catch(() => ({ status: 0 }));
            reads[at][res.status] = (reads[at][res.status] ?? 0) + 1;
            await Bun.sleep(500);
          }
        },
      });
      const summary = JSON.stringify({ seed, statuses: tally(statuses), errors: errors.slice(0, 3), issued, acknowledged, restart: timings, reads });
      // Readers of recommendations get an answer, a 503 to retry while the graph is away, or the
      // gateway's 504 for a query caught by the server going down: never a 500.
      for (const phase of Object.keys(reads) as Phase[]) {
        const refused = Object.keys(reads[phase]).map(Number).filter((status) => ![200, 503, 504].includes(status));
        expect(refused, `reads during "${phase}": ${summary}`).toEqual([]);
      }
      // Commands do not touch the graph: every answer is definite, all through the restart.
      expect(statuses.filter((s) => ![200, 201, 204, 404, 409].includes(s)), summary).toEqual([]);
      expect(acknowledged.down, summary).toBeGreaterThan(10);
      expect(acknowledged.after, summary).toBeGreaterThan(0);

      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`neo4j restart: ${summary} ${JSON.stringify(audit)}`);
    }), 300_000);
});
