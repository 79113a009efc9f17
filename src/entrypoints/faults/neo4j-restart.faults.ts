import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { infra, runBurst, seeded, startCluster, tally, type Cluster } from '../distributed.harness';
import { CommandLedger } from './command-ledger';
import { expectExactlyOnce } from './exactly-once';
import { faultSeed, requireEngines } from './fault-suite';

/**
 * Neo4j restarted while the recommendation service consumes a steady stream of events. The
 * consumer logs each batch, fails on the graph, and is delivered the batch again until Neo4j is
 * back; the log's unique event ids and the graph's per-stream versions make the repeats harmless.
 */
const seed = faultSeed('neo4j-restart.faults.ts');
const DOWN_MS = 5_000;

describe('Neo4j restarted during consumption', () => {
  let cluster: Cluster;
  let ledger: CommandLedger;
  let neo4jStopped = false;

  beforeAll(async () => {
    requireEngines('neo4j-restart.faults.ts');
    cluster = await startCluster({ friendInstances: 1 });
    ledger = new CommandLedger(cluster, `${cluster.namespace}-neo4j`);
  }, 120_000);
  afterAll(async () => {
    try {
      if (neo4jStopped) await infra('up', 'neo4j', cluster.logDir);
    } finally {
      await cluster?.close();
    }
  }, 240_000);

  test(`the projection recovers and converges: nothing lost, nothing doubled (seed ${seed})`, () =>
    cluster.explain(async () => {
      const users = await ledger.createUsers(16, 'N');
      const random = seeded(seed);
      type Phase = 'before' | 'stopping' | 'down' | 'starting' | 'after' | 'done';
      let phase: Phase = 'before';
      const acknowledged: Record<Phase, number> = { before: 0, stopping: 0, down: 0, starting: 0, after: 0, done: 0 };
      const budget: Record<Phase, number> = { before: 40, stopping: 60, down: 150, starting: 300, after: 40, done: 0 };
      const issued: Record<Phase, number> = { before: 0, stopping: 0, down: 0, starting: 0, after: 0, done: 0 };
      /** What readers of recommendations got meanwhile: reported, not asserted (see the summary). */
      const reads: Record<Phase, Record<number, number>> = { before: {}, stopping: {}, down: {}, starting: {}, after: {}, done: {} };

      const friendship = () => {
        const a = users[Math.floor(random() * users.length)]!;
        const friends = [...ledger.model.friendsOf(a)];
        if (random() < 0.3 && friends.length > 0) {
          const b = friends[Math.floor(random() * friends.length)]!;
          return () => ledger.removeFriend(a, b);
        }
        let b = users[Math.floor(random() * users.length)]!;
        while (b === a) b = users[Math.floor(random() * users.length)]!;
        return () => ledger.addFriend(a, b);
      };
      const command = () => {
        if (random() >= 0.1) return friendship();
        const a = users[Math.floor(random() * users.length)]!;
        return () => ledger.updateUser(a, `Renamed${Math.floor(random() * 1000)}`, 'Graph');
      };

      const burst = runBurst(4, () => {
        if (phase === 'done') return undefined;
        if (issued[phase] >= budget[phase]) return null;
        const at = phase;
        issued[at]++;
        const run = command();
        return async () => {
          const status = await run();
          if (status >= 200 && status < 300) acknowledged[at]++;
          await Bun.sleep(100);
          return status;
        };
      });
      const reader = (async () => {
        while ((phase as Phase) !== 'done') {
          const at = phase;
          const res = await cluster.api('GET', `/recommendation/v1/users/${users[0]}/commands/recommendFriends`, undefined, {}, 15_000).catch(() => ({ status: 0 }));
          reads[at][res.status] = (reads[at][res.status] ?? 0) + 1;
          await Bun.sleep(500);
        }
      })();

      const restart = { stopMs: 0, startMs: 0 };
      try {
        await Bun.sleep(1_500);
        phase = 'stopping';
        let t0 = Date.now();
        neo4jStopped = true;
        await infra('down', 'neo4j', cluster.logDir);
        restart.stopMs = Date.now() - t0;
        phase = 'down';
        await Bun.sleep(DOWN_MS);
        phase = 'starting';
        t0 = Date.now();
        await infra('up', 'neo4j', cluster.logDir);
        neo4jStopped = false;
        restart.startMs = Date.now() - t0;
        phase = 'after';
        await Bun.sleep(1_500);
      } finally {
        phase = 'done';
        if (neo4jStopped) {
          await infra('up', 'neo4j', cluster.logDir);
          neo4jStopped = false;
        }
      }
      const [{ statuses, errors }] = await Promise.all([burst, reader]);
      const summary = JSON.stringify({ seed, statuses: tally(statuses), errors: errors.slice(0, 3), issued, acknowledged, restart, reads });
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
