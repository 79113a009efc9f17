import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTcpProxy, type TcpProxy } from '../kits/tcp-proxy';
import { runBurst, seeded, startCluster, tally, type Cluster } from '../harness/distributed';
import { eventually } from '../kits/processes';
import { BusTap } from './bus-tap';
import { CommandLedger } from './command-ledger';
import { expectExactlyOnce } from './exactly-once';
import { faultSeed, requireEngines } from './fault-suite';
import { randomFriendshipCommand } from './random-commands';

/**
 * The recommendation process SIGKILLed while it consumes: its Kafka offsets are committed only
 * after a batch is in its log and its graph, so whatever it had not acknowledged is delivered
 * again after the restart. The log must then hold each event once, and the graph equal both the
 * graph of the acknowledged commands and a rebuild from the log. Its database is reached through
 * a proxy, so that it can also be killed while it cannot apply anything at all.
 */
const seed = faultSeed('recommendation-crash.faults.ts');

describe('recommendation process SIGKILLed while it consumes', () => {
  let cluster: Cluster;
  let ledger: CommandLedger;
  let proxy: TcpProxy | undefined;

  beforeAll(async () => {
    requireEngines('recommendation-crash.faults.ts');
    const server = new URL(process.env.RECOMMENDATION_DATABASE_URL!);
    const database = (proxy = startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) }));
    cluster = await startCluster({
      friendInstances: 1,
      environment: (instance, shared): Record<string, string> => {
        if (instance.module !== 'recommendation') return {};
        const url = new URL(shared.RECOMMENDATION_DATABASE_URL!);
        url.port = String(database.port);
        return { RECOMMENDATION_DATABASE_URL: url.toString() };
      },
    });
    ledger = new CommandLedger(cluster, `${cluster.namespace}-rec`);
  }, 120_000);
  afterAll(async () => {
    proxy?.restore();
    await cluster?.close();
    proxy?.close();
  }, 120_000);

  const logged = async () => Number((await cluster.query<{ n: string }>('recommendation', 'select count(*) as n from received_events'))[0]!.n);

  test(`killed during a burst and restarted (seed ${seed}): every acknowledged command reaches the graph exactly once`, () =>
    cluster.explain(async () => {
      const users = await ledger.createUsers(24, 'R');
      const random = seeded(seed);
      const total = 300;
      const killAfter = 60 + Math.floor(random() * 80);
      const seen = { killedAt: -1, restartedAt: -1, loggedAtKill: -1, acknowledgedAtRestart: -1 };
      let chaos: Promise<void> | undefined;
      let completed = 0;
      const { statuses, errors } = await runBurst(8, (i) => {
        if (i >= total) return undefined;
        const command = randomFriendshipCommand(ledger, users, random);
        return async () => {
          const status = await command();
          if (++completed === killAfter) {
            chaos = (async () => {
              await cluster.kill('recommendation', 'SIGKILL');
              seen.killedAt = completed;
              seen.loggedAtKill = await logged();
              await Bun.sleep(1_000);
              seen.acknowledgedAtRestart = ledger.model.events;
              await cluster.restart('recommendation');
              seen.restartedAt = completed;
            })();
          }
          return status;
        };
      });
      await chaos;
      const summary = JSON.stringify({ seed, killAfter, statuses: tally(statuses), errors: errors.slice(0, 3), ...seen });
      // Commands need neither the recommendation service nor its consumer: every answer is definite.
      expect(statuses.filter((s) => ![201, 204, 404, 409].includes(s)), summary).toEqual([]);
      // The process was away while commands were acknowledged: it restarted behind.
      expect(seen.restartedAt, summary).toBeGreaterThan(seen.killedAt);
      expect(seen.loggedAtKill, summary).toBeLessThan(seen.acknowledgedAtRestart);
      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`recommendation killed during a burst: ${summary} ${JSON.stringify(audit)}`);
    }), 200_000);

  test('killed in the middle of working off a backlog: the batches it had not acknowledged are redelivered, none doubled', () =>
    cluster.explain(async () => {
      const users = await ledger.createUsers(12, 'B');
      await expectExactlyOnce(cluster, ledger);
      const before = await logged();
      // Away while 250 commands are acknowledged: their events wait on the topics.
      await cluster.kill('recommendation', 'SIGKILL');
      const random = seeded(seed + 1);
      await runBurst(8, (i) => (i < 250 ? randomFriendshipCommand(ledger, users, random) : undefined));
      const backlog = ledger.model.events - before;

      // Back, and killed again as soon as its log has grown: after a group of batches was logged,
      // most likely before their offsets were committed.
      const restartedAt = performance.now();
      const starting = cluster.restart('recommendation').catch(() => undefined);
      let loggedAtKill = before;
      await eventually('the restarted consumer to log its first batch', async () => (loggedAtKill = await logged()) > before, 60_000, 5);
      const firstBatchMs = Math.round(performance.now() - restartedAt);
      await cluster.kill('recommendation', 'SIGKILL');
      loggedAtKill = await logged();
      await starting;
      const progress = JSON.stringify({ before, backlog, loggedAtKill, firstBatchMs });
      expect(loggedAtKill - before, progress).toBeGreaterThan(0);
      // The batches of one fetch are logged as one group, which may be the whole backlog; its
      // offsets are committed after the log, in the background, so the kill still most likely
      // lands between the two.
      expect(loggedAtKill - before, progress).toBeLessThanOrEqual(backlog);

      const again = performance.now();
      await cluster.restart('recommendation');
      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`recommendation killed mid-backlog: ${progress}, converged ${Math.round(performance.now() - again)} ms after the second restart; ${JSON.stringify(audit)}`);
    }), 200_000);

  test('killed while its database is unreachable: it had acknowledged none of the batches it kept failing to log', () =>
    cluster.explain(async () => {
      const users = await ledger.createUsers(8, 'U');
      await expectExactlyOnce(cluster, ledger);
      const tap = new BusTap(process.env.KAFKA_BROKERS!.split(','), cluster.namespace);
      const random = seeded(seed + 2);
      proxy!.cut('refuse');
      try {
        // Their events reach the topics; the consumer fetches them and cannot store one.
        await runBurst(4, (i) => (i < 60 ? randomFriendshipCommand(ledger, users, random) : undefined));
        await eventually('the relays to publish every event', async () => {
          const rows = await Promise.all((['user', 'friend'] as const).map(async (s) => Number((await cluster.query<{ n: string }>(s, 'select count(*) as n from outbox'))[0]!.n)));
          return rows.every((n) => n === 0);
        }, 30_000);
        // Long enough for several failed attempts on what it fetched.
        await Bun.sleep(3_000);
        await cluster.kill('recommendation', 'SIGKILL');
        // Nothing it failed to apply was acknowledged: the group still owes at least every event
        // its log lacks (the commands' events, published, minus what was logged before the cut).
        const stored = await Promise.all((['user', 'friend'] as const).map(async (s) => Number((await cluster.query<{ n: string }>(s, 'select count(*) as n from events'))[0]!.n)));
        const unlogged = stored[0]! + stored[1]! - (await logged());
        expect(unlogged).toBeGreaterThan(0);
        expect(await tap.lag('recommendation', ['user-events', 'friend-events'])).toBeGreaterThanOrEqual(unlogged);
      } finally {
        proxy!.restore();
        await tap.close();
      }
      await cluster.restart('recommendation');
      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`recommendation killed while its database was away: ${JSON.stringify(audit)}`);
    }), 200_000);
});
