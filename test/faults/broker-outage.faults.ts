import { describe, expect, test } from 'bun:test';
import { seeded, tally } from '../harness/distributed';
import { eventually } from '../kits/processes';
import { engineOutageSuite } from './engine-outage';
import { expectExactlyOnce } from './exactly-once';
import { faultSeed } from './fault-suite';
import { createUserCommand, pickUser, randomFriendshipCommand, renameCommand, type Command } from './random-commands';

/**
 * The Kafka broker stopped for 20 s in the middle of a steady stream of commands. Commands need
 * only PostgreSQL: they keep being acknowledged, their events wait in the outboxes, and once the
 * broker is back the relays drain the backlog and every consumer gets each event exactly once.
 */
const seed = faultSeed('broker-outage.faults.ts');
const OUTAGE_MS = 20_000;

describe('Kafka broker stopped during a burst', () => {
  const suite = engineOutageSuite('broker-outage.faults.ts', 'kafka', 'broker');

  const outboxRows = async () => ({
    user: Number((await suite.cluster.query<{ n: string }>('user', 'select count(*) as n from outbox'))[0]!.n),
    friend: Number((await suite.cluster.query<{ n: string }>('friend', 'select count(*) as n from outbox'))[0]!.n),
  });

  test(`commands are accepted into the outbox while it is away, and reach the graph exactly once after it returns (seed ${seed})`, () =>
    suite.cluster.explain(async () => {
      const { cluster, ledger } = suite;
      const users = await ledger.createUsers(12, 'K');
      const random = seeded(seed);
      const renaming = new Set<number>();
      const command = (): Command => {
        const roll = random();
        if (roll < 0.08) return createUserCommand(ledger, users, 'New', 'Outage');
        const a = pickUser(users, random);
        // One rename of a user at a time: concurrent ones would only race for the same stream.
        if (roll < 0.16 && !renaming.has(a)) return async () => {
          renaming.add(a);
          try {
            return await renameCommand(ledger, a, random, 'Outage')();
          } finally {
            renaming.delete(a);
          }
        };
        return randomFriendshipCommand(ledger, users, random, a);
      };

      let outboxWhileDown = { user: -1, friend: -1 };
      const { statuses, errors, issued, acknowledged, timings } = await suite.burstThroughOutage({
        downMs: OUTAGE_MS,
        budget: { before: 60, stopping: 60, down: 400, starting: 300, after: 60 },
        // A steady stream rather than a flood: about 25 commands a second through the outage.
        paceMs: 150,
        command,
        whileDown: async () => {
          outboxWhileDown = await outboxRows();
        },
      });
      const summary = JSON.stringify({ seed, statuses: tally(statuses), errors: errors.slice(0, 3), issued, acknowledged, outage: { ...timings, outboxWhileDown } });
      // Every answer definite, all through the outage.
      expect(statuses.filter((s) => ![200, 201, 204, 404, 409].includes(s)), summary).toEqual([]);
      // Commands need only PostgreSQL: accepted while the broker was away ...
      expect(acknowledged.down, summary).toBeGreaterThan(100);
      // ... and kept in the outboxes, since nothing could be published.
      expect(outboxWhileDown.user + outboxWhileDown.friend, summary).toBeGreaterThan(100);
      expect(acknowledged.before, summary).toBeGreaterThan(0);
      expect(acknowledged.after, summary).toBeGreaterThan(0);

      const drainStarted = Date.now();
      await eventually('the outboxes of user and friend to drain', async () => {
        const rows = await outboxRows();
        return (rows.user === 0 && rows.friend === 0) || `outbox rows: ${JSON.stringify(rows)}`;
      }, 90_000, 250);
      const drainedMs = Date.now() - drainStarted;
      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`broker outage: ${summary} drained ${drainedMs} ms after the burst; ${JSON.stringify(audit)}`);
    }), 300_000);
});
