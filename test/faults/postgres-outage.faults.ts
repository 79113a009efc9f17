import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTcpProxy, type CutMode, type TcpProxy } from '../kits/tcp-proxy';
import { startCluster, type Cluster } from '../harness/distributed';
import { eventually } from '../kits/processes';
import { CommandLedger, type LedgerEntry } from './command-ledger';
import { expectExactlyOnce } from './exactly-once';
import { requireEngines, spread, untilServed } from './fault-suite';
import { friendPaths } from '../../src/modules/friend/contracts/http';

/**
 * PostgreSQL taken away from one module at a time, while the shared server keeps serving the
 * others: each of user and friend reaches its database through a TCP proxy the test cuts and
 * restores. Commands must then fail fast with 503 problem+json, change nothing (no event, no
 * outbox row, no read-model row), health must say DOWN, and everything must work again once the
 * database is back.
 */
/** The gateway's default upstream timeout: a 503 must come before the gateway would give up. */
const UPSTREAM_TIMEOUT_MS = 10_000;
/** The user module's DATABASE_CONNECT_TIMEOUT_MS here: the wait a blackholed connection costs. */
const CONNECT_TIMEOUT_MS = 1_500;

const viaProxy = (url: string, proxy: TcpProxy) => {
  const u = new URL(url);
  u.port = String(proxy.port);
  return u.toString();
};

describe('PostgreSQL unreachable for one module', () => {
  let cluster: Cluster;
  let ledger: CommandLedger;
  const proxies: Record<'user' | 'friend', TcpProxy | undefined> = { user: undefined, friend: undefined };

  beforeAll(async () => {
    requireEngines('postgres-outage.faults.ts');
    const server = new URL(process.env.USER_DATABASE_URL!);
    const target = { host: server.hostname, port: Number(server.port || 5432) };
    const user = (proxies.user = startTcpProxy(target));
    const friend = (proxies.friend = startTcpProxy(target));
    cluster = await startCluster({
      friendInstances: 1,
      environment: (instance, shared): Record<string, string> => {
        if (instance.module === 'user') return { USER_DATABASE_URL: viaProxy(shared.USER_DATABASE_URL!, user), DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) };
        if (instance.module === 'friend') return { FRIEND_DATABASE_URL: viaProxy(shared.FRIEND_DATABASE_URL!, friend) };
        return {};
      },
    });
    ledger = new CommandLedger(cluster, `${cluster.namespace}-pg`);
  }, 120_000);
  afterAll(async () => {
    // Restored first, so the processes can shut down cleanly.
    for (const proxy of Object.values(proxies)) proxy?.restore();
    await cluster?.close();
    for (const proxy of Object.values(proxies)) proxy?.close();
  }, 120_000);

  const origin = (instance: string) => `http://127.0.0.1:${cluster.instance(instance).port}`;
  const health = async (instance: string) => {
    const res = await fetch(`${origin(instance)}/actuator/health`, { signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
    return { status: res.status, body: await res.json() };
  };
  /** What the module's database holds, read around the proxy: the state a failed command must not change. */
  const state = async (store: 'user' | 'friend') => {
    const table = store === 'user' ? 'users' : 'friendships';
    const [row] = await cluster.query<Record<string, string>>(store, `select (select count(*) from events) as events, (select count(*) from outbox) as outbox, (select count(*) from ${table}) as rows, (select coalesce(max(position), 0) from events) as last`);
    return row;
  };

  /** Each entry a 503 problem+json from the module itself (the database named), well before the gateway would time out. */
  const expectUnavailable = (entries: LedgerEntry[]) => {
    for (const e of entries) {
      const answer = ledger.answers.get(e.requestId);
      expect({ command: e.command, status: e.status, problem: answer?.headers.get('content-type'), detail: answer?.body?.detail }).toEqual({
        command: e.command,
        status: 503,
        problem: 'application/problem+json',
        detail: 'the database is unavailable; retry later',
      });
      expect(e.ms).toBeLessThan(UPSTREAM_TIMEOUT_MS);
    }
  };

  const cutFor = async (store: 'user' | 'friend', mode: CutMode, work: () => Promise<void>) => {
    proxies[store]!.cut(mode);
    try {
      await work();
    } finally {
      proxies[store]!.restore();
    }
  };

  test('the user database: 503 problem+json at once when refused, within the connect timeout when unanswered; nothing written; DOWN; back after', () =>
    cluster.explain(async () => {
      const users = await ledger.createUsers(6, 'P');
      for (let i = 1; i < users.length; i++) expect(await ledger.addFriend(users[0]!, users[i]!)).toBe(201);
      await expectExactlyOnce(cluster, ledger);
      const before = await state('user');
      const timings: Record<string, { median: number; max: number }> = {};

      await cutFor('user', 'refuse', async () => {
        // Through the gateway, as clients see it: fewer failures than open its circuit breaker.
        await Promise.all([0, 1, 2, 3].map((i) => ledger.createUser(`Refused${i}`, 'Outage')));
        await Promise.all([1, 2].map((i) => ledger.updateUser(users[i]!, 'Refused', 'Outage')));
        const refused = ledger.entries.slice(-6);
        expectUnavailable(refused);
        timings.refusedThroughGateway = spread(refused.map((e) => e.ms));
        const read = await cluster.api('GET', `/user/v1/users/${users[0]}`);
        expect({ status: read.status, type: read.headers.get('content-type') }).toEqual({ status: 503, type: 'application/problem+json' });
        expect(await health('user')).toEqual({ status: 503, body: { status: 'DOWN' } });
        // The other modules carry on: the friend service knows these users from their events.
        expect(await ledger.addFriend(users[1]!, users[2]!)).toBe(201);
        expect((await cluster.api('GET', `/recommendation/v1/users/${users[1]}/commands/recommendFriends`)).status).toBe(200);
        expect(await state('user')).toEqual(before);
      });

      await cutFor('user', 'blackhole', async () => {
        // Straight to the instance: by now the gateway's breaker may answer for it.
        const user = origin('user');
        await Promise.all([0, 1, 2].map((i) => ledger.createUser(`Unanswered${i}`, 'Outage', user)));
        await ledger.updateUser(users[3]!, 'Unanswered', 'Outage', user);
        const unanswered = ledger.entries.slice(-4);
        expectUnavailable(unanswered);
        timings.unansweredDirect = spread(unanswered.map((e) => e.ms));
        const started = performance.now();
        expect(await health('user')).toEqual({ status: 503, body: { status: 'DOWN' } });
        timings.healthUnanswered = spread([Math.round(performance.now() - started)]);
        expect(await state('user')).toEqual(before);
      });

      const restored = performance.now();
      await untilServed(cluster, ['user']);
      await eventually('a new user to be accepted again', async () => (await ledger.createUser('Back', 'Outage')).status === 201, 30_000, 250);
      expect(await health('user')).toEqual({ status: 200, body: { status: 'UP' } });
      const backAfterMs = Math.round(performance.now() - restored);
      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`user database away: ${JSON.stringify({ timings, backAfterMs, connectTimeoutMs: CONNECT_TIMEOUT_MS, audit })}`);
    }), 200_000);

  test('the friend database: friendship commands 503 at once, user commands carry on, the replica catches up after', () =>
    cluster.explain(async () => {
      const users = [...ledger.model.users.keys()];
      const before = await state('friend');
      let createdMeanwhile: number | undefined;

      await cutFor('friend', 'refuse', async () => {
        await Promise.all([
          ledger.addFriend(users[2]!, users[3]!),
          ledger.addFriend(users[3]!, users[4]!),
          ledger.removeFriend(users[0]!, users[1]!),
        ]);
        const refused = ledger.entries.slice(-3);
        expectUnavailable(refused);
        const list = await cluster.api('GET', `/friend${friendPaths.friendsOf(users[0]!)}`);
        expect({ status: list.status, type: list.headers.get('content-type') }).toEqual({ status: 503, type: 'application/problem+json' });
        expect(await health('friend-1')).toEqual({ status: 503, body: { status: 'DOWN' } });
        // The user service does not need the friend database; its event waits for the friend consumer.
        createdMeanwhile = (await ledger.createUser('Meanwhile', 'Outage')).id;
        expect(createdMeanwhile).toBeGreaterThan(0);
        expect(await state('friend')).toEqual(before);
        console.log(`friend database away: refused in ${JSON.stringify(spread(refused.map((e) => e.ms)))} ms`);
      });

      await untilServed(cluster, ['friend']);
      await eventually('a friendship to be accepted again', async () => (await ledger.addFriend(users[2]!, createdMeanwhile!)) === 201, 30_000, 250);
      const audit = await expectExactlyOnce(cluster, ledger);
      console.log(`friend database back: ${JSON.stringify(audit)}`);
    }), 200_000);
});
