import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eventually, infra, runBurst, seeded, startCluster, tally, type Cluster } from '../distributed.harness';
import { CommandLedger } from './command-ledger';
import { expectExactlyOnce } from './exactly-once';
import { faultSeed, requireEngines } from './fault-suite';

/**
 * The Kafka broker stopped for 20 s in the middle of a steady stream of commands. Commands need
 * only PostgreSQL: they keep being acknowledged, their events wait in the outboxes, and once the
 * broker is back the relays drain the backlog and every consumer gets each event exactly once.
 */
const seed = faultSeed('broker-outage.faults.ts');
const OUTAGE_MS = 20_000;

describe('Kafka broker stopped during a burst', () => {
  let cluster: Cluster;
  let ledger: CommandLedger;
  let kafkaStopped = false;

  beforeAll(async () => {
    requireEngines('broker-outage.faults.ts');
    cluster = await startCluster({ friendInstances: 1 });
    ledger = new CommandLedger(cluster, `${cluster.namespace}-broker`);
  }, 120_000);
  afterAll(async () => {
    try {
      // Whatever happened, the broker runs again for whatever runs after this file.
      if (kafkaStopped) await infra('up', 'kafka', cluster.logDir);
    } finally {
      await cluster?.close();
    }
  }, 240_000);

  const outboxRows = async () => ({
    user: Number((await cluster.query<{ n: string }>('user', 'select count(*) as n from outbox'))[0]!.n),
    friend: Number((await cluster.query<{ n: string }>('friend', 'select count(*) as n from outbox'))[0]!.n),
  });

  test(`commands are accepted into the outbox while it is away, and reach the graph exactly once after it returns (seed ${seed})`, () =>
    cluster.explain(async () => {
      const users = await ledger.createUsers(12, 'K');
      const random = seeded(seed);
      type Phase = 'before' | 'stopping' | 'down' | 'starting' | 'after' | 'done';
      let phase: Phase = 'before';
      const acknowledged: Record<Phase, number> = { before: 0, stopping: 0, down: 0, starting: 0, after: 0, done: 0 };
      // Bounded per phase, so that a slow broker stop or start cannot use up the commands meant
      // for the outage and for after it.
      const budget: Record<Phase, number> = { before: 60, stopping: 60, down: 400, starting: 300, after: 60, done: 0 };
      const issued: Record<Phase, number> = { before: 0, stopping: 0, down: 0, starting: 0, after: 0, done: 0 };
      const renaming = new Set<number>();

      const command = (): (() => Promise<number>) => {
        const roll = random();
        if (roll < 0.08) return async () => {
          const { status, id } = await ledger.createUser(`New${users.length}`, 'Outage');
          if (id !== undefined) users.push(id);
          return status;
        };
        const a = users[Math.floor(random() * users.length)]!;
        // One rename of a user at a time: concurrent ones would only race for the same stream.
        if (roll < 0.16 && !renaming.has(a)) return async () => {
          renaming.add(a);
          try {
            return await ledger.updateUser(a, `Renamed${Math.floor(random() * 1000)}`, 'Outage');
          } finally {
            renaming.delete(a);
          }
        };
        const friends = [...ledger.model.friendsOf(a)];
        if (random() < 0.3 && friends.length > 0) {
          const b = friends[Math.floor(random() * friends.length)]!;
          return () => ledger.removeFriend(a, b);
        }
        let b = users[Math.floor(random() * users.length)]!;
        while (b === a) b = users[Math.floor(random() * users.length)]!;
        return () => ledger.addFriend(a, b);
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
          // A steady stream rather than a flood: about 25 commands a second through the outage.
          await Bun.sleep(150);
          return status;
        };
      });

      const outage = { stopMs: 0, downMs: 0, startMs: 0, outboxWhileDown: { user: -1, friend: -1 } };
      try {
        await Bun.sleep(1_500);
        phase = 'stopping';
        let t0 = Date.now();
        kafkaStopped = true;
        await infra('down', 'kafka', cluster.logDir);
        outage.stopMs = Date.now() - t0;
        phase = 'down';
        t0 = Date.now();
        await Bun.sleep(OUTAGE_MS);
        outage.outboxWhileDown = await outboxRows();
        outage.downMs = Date.now() - t0;
        phase = 'starting';
        t0 = Date.now();
        await infra('up', 'kafka', cluster.logDir);
        kafkaStopped = false;
        outage.startMs = Date.now() - t0;
        phase = 'after';
        await Bun.sleep(1_500);
      } finally {
        phase = 'done';
        if (kafkaStopped) {
          await infra('up', 'kafka', cluster.logDir);
          kafkaStopped = false;
        }
      }
      const { statuses, errors } = await burst;
      const summary = JSON.stringify({ seed, statuses: tally(statuses), errors: errors.slice(0, 3), issued, acknowledged, outage });
      // Every answer definite, all through the outage.
      expect(statuses.filter((s) => ![200, 201, 204, 404, 409].includes(s)), summary).toEqual([]);
      // Commands need only PostgreSQL: accepted while the broker was away ...
      expect(acknowledged.down, summary).toBeGreaterThan(100);
      // ... and kept in the outboxes, since nothing could be published.
      expect(outage.outboxWhileDown.user + outage.outboxWhileDown.friend, summary).toBeGreaterThan(100);
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
