import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { runBurst, seeded, startCluster, tally, type Cluster } from '../harness/distributed';
import { CommandLedger } from './command-ledger';
import { expectExactlyOnce } from './exactly-once';
import { faultSeed, requireEngines, untilServed } from './fault-suite';
import { createUserCommand, friendshipCommand, pickUser, renameCommand, type Command } from './random-commands';

/**
 * The domain services die without warning (SIGKILL: no shutdown hook, no relay flush). First
 * exactly in the window between commit and publish, made deterministic by a paused outbox relay:
 * the events of acknowledged commands exist only in the outboxes when the processes die. Then at
 * moments a seeded random picks during a burst of commands. Either way every acknowledged command
 * must reach every consumer exactly once after the restarts.
 */
const seed = faultSeed('process-crash.faults.ts');
const domainInstances = ['user', 'friend-1', 'friend-2'];

describe('user and friend processes SIGKILLed', () => {
  let cluster: Cluster;
  let ledger: CommandLedger;

  beforeAll(async () => {
    requireEngines('process-crash.faults.ts');
    cluster = await startCluster({
      friendInstances: 2,
      environment: (instance): Record<string, string> => (instance.module === 'user' || instance.module === 'friend' ? { OUTBOX_RELAY_PAUSED: 'true' } : {}),
    });
    ledger = new CommandLedger(cluster, `${cluster.namespace}-crash`);
  }, 120_000);
  afterAll(() => cluster?.close(), 120_000);

  const outboxRows = async () => ({
    user: Number((await cluster.query<{ n: string }>('user', 'select count(*) as n from outbox'))[0]!.n),
    friend: Number((await cluster.query<{ n: string }>('friend', 'select count(*) as n from outbox'))[0]!.n),
  });
  const logged = async () => Number((await cluster.query<{ n: string }>('recommendation', 'select count(*) as n from received_events'))[0]!.n);

  test('killed between commit and publish: the held events reach every consumer exactly once after the restart', () =>
    cluster.explain(async () => {
      const users = await ledger.createUsers(10, 'Held');
      const pairs = users.map((u, i) => [u, users[(i + 1) % users.length]!] as const).concat([[users[0]!, users[5]!], [users[2]!, users[7]!]]);
      for (const [a, b] of pairs) expect(await ledger.addFriend(a, b)).toBe(201);
      expect(await ledger.removeFriend(users[1]!, users[0]!)).toBe(204);
      expect(await ledger.updateUser(users[3]!, 'Renamed', 'Held')).toBe(200);
      const held = { user: users.length + 1, friend: pairs.length + 1 };
      // Acknowledged and committed, yet published nowhere: every event is in its outbox, and only there.
      expect(await outboxRows()).toEqual(held);
      expect(await logged()).toBe(0);

      await Promise.all(domainInstances.map((name) => cluster.kill(name, 'SIGKILL')));
      expect(await outboxRows()).toEqual(held);
      await Promise.all(domainInstances.map((name) => cluster.restart(name, { OUTBOX_RELAY_PAUSED: 'false' })));

      const summary = await expectExactlyOnce(cluster, ledger);
      expect(summary.events).toEqual(held);
      expect(summary.commands).toEqual({ applied: ledger.entries.length, refused: 0, unknown: 0 });
      console.log(`killed between commit and publish: ${JSON.stringify(summary)}`);
    }), 200_000);

  test(`killed at moments a seeded random picks during a burst (seed ${seed}): nothing acknowledged lost, nothing applied twice`, () =>
    cluster.explain(async () => {
      const random = seeded(seed);
      const users = await ledger.createUsers(16, 'Burst');
      const between = (low: number, high: number) => low + Math.floor(random() * (high - low));
      const victims = [
        { name: 'user', afterCommands: between(30, 110), downMs: between(300, 1500) },
        { name: random() < 0.5 ? 'friend-1' : 'friend-2', afterCommands: between(60, 170), downMs: between(300, 1500) },
      ];
      const total = 240;
      /** Commands still to run once both are back and served: the services must accept commands again. */
      const afterwards = 40;
      let completed = 0;
      let back = 0;
      let acknowledgedAfter = 0;
      const timeline: string[] = [];
      const crashes: Promise<void>[] = [];
      const crash = async (name: string, downMs: number) => {
        try {
          await cluster.kill(name, 'SIGKILL');
          timeline.push(`${name} killed after ${completed} commands`);
          await Bun.sleep(downMs);
          await cluster.restart(name);
          await untilServed(cluster, ['user', 'friend']);
          timeline.push(`${name} back after ${completed} commands`);
        } finally {
          // Even when the restart failed: the burst must end, and the failure shows below.
          back++;
        }
      };

      /** Mostly friendships (removes of pairs that are friends), some renames and new users. */
      const command = (): Command => {
        const roll = random();
        if (roll < 0.08) return createUserCommand(ledger, users, 'Late', 'Burst');
        const a = pickUser(users, random);
        if (roll < 0.18) return renameCommand(ledger, a, random, 'Burst');
        return friendshipCommand(ledger, users, a, roll < 0.4, random);
      };

      let issuedAfter = 0;
      const { statuses, errors } = await runBurst(6, (i) => {
        const allBack = back === victims.length;
        if (i >= total && allBack && issuedAfter >= afterwards) return undefined;
        if (i >= total && !allBack) return null;
        const run = command();
        const wasBack = allBack;
        if (wasBack) issuedAfter++;
        return async () => {
          const status = await run();
          // Paced, so that commands keep coming while a process dies, restarts and is served again.
          await Bun.sleep(30);
          completed++;
          if (wasBack && status >= 200 && status < 300) acknowledgedAfter++;
          for (const v of victims) if (completed === v.afterCommands) crashes.push(crash(v.name, v.downMs));
          return status;
        };
      });
      await Promise.all(crashes);
      const summary = { seed, victims, timeline, statuses: tally(statuses), errors: errors.slice(0, 3) };
      const described = JSON.stringify(summary);
      // A definite answer, or a gateway's "could not reach" / "no instance" while a process was away; never a 500.
      expect(statuses.filter((s) => ![200, 201, 204, 404, 409, 502, 503, 504].includes(s)), described).toEqual([]);
      expect(timeline, described).toHaveLength(4);
      expect(acknowledgedAfter, described).toBeGreaterThan(afterwards / 2);

      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`killed during a burst: ${JSON.stringify({ ...summary, audit })}`);
    }), 240_000);
});
