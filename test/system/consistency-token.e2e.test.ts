import { afterAll, describe, expect, test } from 'bun:test';
import { encodeToken } from '../../src/platform/consistency/token';
import { tempDir } from '../kits/processes';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/** Over a thousand pairs from one client address: the gateway's per-client rate limit would answer 429. */
const UNLIMITED = { GATEWAY_RATE_LIMIT_PER_SECOND: '0' };

/**
 * Read your writes through the gateway of the all-in-one: without a token, a read right after a
 * command can miss it (the recommendation graph is fed through the outbox and the bus); with the
 * command's Consistency-Token it never does, or it answers 503.
 */
const WAIT_MS = 2_000;
const systems: System[] = [];
afterAll(() => systems.forEach((s) => s.process.proc.kill('SIGKILL')));

const TOKEN = 'consistency-token';
const ROUNDS = 1_000;
const RENAMES = 300;
const UNTOKENED = 300;

async function createUsers(s: System, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await s.api('POST', '/user/v1/users', { firstName: `F${i}`, lastName: `L${i}` })).body.id);
  return ids;
}

describe('Consistency-Token through the gateway (all-in-one)', () => {
  let s: System;
  let env: Record<string, string>;
  let hub: number;
  let users: number[];

  test('every command answers a short, URL-safe token', async () => {
    env = systemEnv(tempDir('consistency-'), { CONSISTENCY_WAIT_MS: String(WAIT_MS), ...UNLIMITED });
    s = await startSystem(env);
    systems.push(s);
    const created = await s.api('POST', '/user/v1/users', { firstName: 'Hub', lastName: 'Center' });
    expect(created.status).toBe(201);
    hub = created.body.id;
    const token = created.headers.get(TOKEN)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{1,512}$/);
    const unchanged = await s.api('PUT', `/user/v1/users/${hub}`, { firstName: 'Hub', lastName: 'Center' });
    expect(unchanged.status).toBe(200);
    // Nothing appended: the token still stands for the stream's current version.
    expect(unchanged.headers.get(TOKEN)).toBe(token);
    users = await createUsers(s, ROUNDS + UNTOKENED + 1);
    const ends = await createUsers(s, 3 * WORKERS);
    triangles = Array.from({ length: WORKERS }, (_, w) => [ends[3 * w]!, ends[3 * w + 1]!, ends[3 * w + 2]!]);
    for (const [a, b, middle] of triangles) {
      for (const end of [a, b]) expect((await s.api('POST', `/friend/v1/users/${middle}/commands/addFriend?friendId=${end}`)).status).toBe(201);
    }
    const added = await s.api('POST', `/friend/v1/users/${hub}/commands/addFriend?friendId=${users[0]}`);
    expect(added.headers.get(TOKEN)).toMatch(/^[A-Za-z0-9_-]{1,512}$/);
    const removed = await s.api('POST', `/friend/v1/users/${hub}/commands/removeFriend?friendId=${users[0]}`);
    expect(removed.status).toBe(204);
    expect(removed.headers.get(TOKEN)).toMatch(/^[A-Za-z0-9_-]{1,512}$/);
    const again = await s.api('POST', `/friend/v1/users/${hub}/commands/addFriend?friendId=${users[0]}`, undefined, { [TOKEN]: removed.headers.get(TOKEN)! });
    expect(again.status).toBe(201);
    // The friend service's own read model is written with the command: its token is reached at once.
    const list = await s.api('GET', `/friend/v1/users/${hub}/friends`, undefined, { [TOKEN]: again.headers.get(TOKEN)! });
    expect(list.status).toBe(200);
    expect(list.body.map((f: { friendId: number }) => f.friendId)).toEqual([users[0]]);
  }, 120_000);

  /** Pairs run this many at a time: a loaded projection is where a stale read shows. */
  const WORKERS = 16;
  const inParallel = async (count: number, work: (i: number, worker: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: WORKERS }, async (_, worker) => {
      for (let i = next++; i < count; i = next++) await work(i, worker);
    }));
  };

  /** addFriend(users[i], hub), then the mutual friends of users[i] and users[0] (a friend of the hub) must be [hub]. */
  async function addThenRead(from: number, count: number, withToken: boolean) {
    let stale = 0;
    const started = performance.now();
    await inParallel(count, async (k) => {
      const i = from + k;
      const added = await s.api('POST', `/friend/v1/users/${users[i]}/commands/addFriend?friendId=${hub}`);
      expect(added.status).toBe(201);
      const headers: Record<string, string> = withToken ? { [TOKEN]: added.headers.get(TOKEN)! } : {};
      const mutual = await s.api('GET', `/recommendation/v1/users/${users[i]}/commands/findMutualFriends?friendId=${users[0]}`, undefined, headers);
      expect(mutual.status).toBe(200);
      if (mutual.body.length !== 1 || mutual.body[0].id !== hub) stale++;
    });
    return { stale, ms: performance.now() - started };
  }

  /** Each worker renames the middle of its own triangle; the mutual friends of the two ends must show the new name. */
  async function renameThenRead(count: number, withToken: boolean, tag: string) {
    let stale = 0;
    let round = 0;
    await inParallel(count, async (i, worker) => {
      const [a, b, middle] = triangles[worker]!;
      const name = `${tag}${round++}`;
      const renamed = await s.api('PUT', `/user/v1/users/${middle}`, { firstName: name, lastName: `W${worker}` });
      expect(renamed.status).toBe(200);
      const headers: Record<string, string> = withToken ? { [TOKEN]: renamed.headers.get(TOKEN)! } : {};
      const mutual = await s.api('GET', `/recommendation/v1/users/${a}/commands/findMutualFriends?friendId=${b}`, undefined, headers);
      expect(mutual.status).toBe(200);
      if (mutual.body[0]?.firstName !== name) stale++;
    });
    return stale;
  }
  let triangles: [number, number, number][] = [];

  test('without a token, reads right after a command are stale at times', async () => {
    const added = await addThenRead(1, UNTOKENED, false);
    const renamed = await renameThenRead(UNTOKENED, false, 'Plain');
    console.log(`without token: ${added.stale}/${UNTOKENED} stale after addFriend, ${renamed}/${UNTOKENED} after rename`);
    expect(added.stale + renamed).toBeGreaterThan(0);
  }, 120_000);

  test(`with the token, ${ROUNDS} addFriend and ${RENAMES} rename reads are never stale`, async () => {
    const added = await addThenRead(UNTOKENED + 1, ROUNDS, true);
    const renamed = await renameThenRead(RENAMES, true, 'Token');
    const metrics = await (await fetch(`http://127.0.0.1:${env.RECOMMENDATION_PORT}/metrics`)).text();
    console.log(`with token: ${added.stale}/${ROUNDS} + ${renamed}/${RENAMES} stale; ${(added.ms / ROUNDS).toFixed(2)} ms per pair`);
    console.log(metrics.split('\n').filter((l) => l.startsWith('consistency_')).join('\n'));
    expect(added.stale).toBe(0);
    expect(renamed).toBe(0);
  }, 180_000);

  test('the name search with a rename\'s token finds the new name', async () => {
    const renamed = await s.api('PUT', `/user/v1/users/${users[2]}`, { firstName: 'Searchable', lastName: 'Renamed' });
    const found = await s.api('GET', '/user/v1/users?name=searchable', undefined, { [TOKEN]: renamed.headers.get(TOKEN)! });
    expect({ status: found.status, ids: found.body.map((u: { id: number }) => u.id) }).toEqual({ status: 200, ids: [users[2]] });
  });

  test('several tokens, comma-separated or in repeated headers, are all honoured', async () => {
    const a = await s.api('PUT', `/user/v1/users/${users[0]}`, { firstName: 'Multi', lastName: 'One' });
    const b = await s.api('PUT', `/user/v1/users/${hub}`, { firstName: 'Multi', lastName: 'Hub' });
    const headers = new Headers();
    headers.append(TOKEN, a.headers.get(TOKEN)!);
    headers.append(TOKEN, `${b.headers.get(TOKEN)!}, ${a.headers.get(TOKEN)!}`);
    const res = await fetch(`${s.gateway}/recommendation/v1/users/${users[0]}/commands/findMutualFriends?friendId=${users[1]}`, { headers });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { firstName: string }[])[0]!.firstName).toBe('Multi');
  });

  test('malformed tokens are a 400 problem saying so', async () => {
    const good = (await s.api('PUT', `/user/v1/users/${hub}`, { firstName: 'Edge', lastName: 'Case' })).headers.get(TOKEN)!;
    const bad = ['garbage!', good.slice(0, -3), 'A'.repeat(600), Buffer.from('c1;user-1:one').toString('base64url'), ` , `];
    for (const path of [`/user/v1/users/${hub}`, '/user/v1/users?name=Edge', `/friend/v1/users/${hub}/friends`, `/recommendation/v1/users/${hub}/commands/recommendFriends`]) {
      for (const token of bad) {
        const res = await s.api('GET', path, undefined, { [TOKEN]: token });
        expect(`${path} ${token.slice(0, 20)} ${res.status}`).toBe(`${path} ${token.slice(0, 20)} 400`);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.detail).toContain('Consistency-Token');
      }
    }
  });

  test('a well-formed token for a version never reached is a 503 with Retry-After, after the bounded wait', async () => {
    const never = encodeToken([[`user-${hub}`, 999_999]]);
    for (const path of [`/user/v1/users/${hub}`, '/user/v1/users?name=Edge', `/recommendation/v1/users/${hub}/commands/recommendFriends`]) {
      const started = performance.now();
      const res = await s.api('GET', path, undefined, { [TOKEN]: never });
      const waited = performance.now() - started;
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(waited).toBeGreaterThanOrEqual(WAIT_MS - 50);
      expect(waited).toBeLessThan(WAIT_MS + 1_500);
    }
  }, 30_000);
});

describe('Consistency-Token with the outbox relay paused', () => {
  test('the command answers, its own service reads it, the projection answers 503 + Retry-After within the limit', async () => {
    const s = await startSystem(systemEnv(tempDir('consistency-paused-'), { CONSISTENCY_WAIT_MS: '1000', OUTBOX_RELAY_PAUSED: 'true', ...UNLIMITED }));
    systems.push(s);
    const created = await s.api('POST', '/user/v1/users', { firstName: 'Paused', lastName: 'Relay' });
    expect(created.status).toBe(201);
    const token = created.headers.get(TOKEN)!;
    expect((await s.api('GET', `/user/v1/users/${created.body.id}`, undefined, { [TOKEN]: token })).status).toBe(200);
    // Without the token the read is answered, stale (the graph never heard of the user).
    expect((await s.api('GET', `/recommendation/v1/users/${created.body.id}/commands/recommendFriends`)).status).toBe(200);
    const started = performance.now();
    const res = await s.api('GET', `/recommendation/v1/users/${created.body.id}/commands/recommendFriends`, undefined, { [TOKEN]: token });
    const waited = performance.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body.detail).toContain('Consistency-Token');
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(2_500);
  }, 120_000);
});
