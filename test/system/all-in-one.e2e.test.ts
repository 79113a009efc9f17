import { afterAll, describe, expect, test } from 'bun:test';
import { eventually, spawnChild, tempDir, entrypointFile } from '../kits/processes';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/**
 * The whole system as a user runs it: `all-in-one` as a child process, driven only through the
 * public API on the gateway, stopped and started again on the same data directory.
 */
const dataDir = tempDir('all-in-one-');
const env = systemEnv(dataDir);
let system: System;
afterAll(() => system?.process.proc.kill('SIGKILL'));

const names = [['Alice', 'Ames'], ['Bob', 'Baker'], ['Carol', 'Chen'], ['Dave', 'Diaz'], ['Erin', 'Eze'], ['Frank', 'Fox']];
const ids: Record<string, number> = {};

async function view(s: System) {
  const { a, b, c, d } = ids as Record<string, number>;
  const users = await Promise.all(Object.values(ids).map((id) => s.api('GET', `/user/v1/users/${id}`)));
  const friends = await Promise.all(Object.values(ids).map((id) => s.api('GET', `/friend/v1/users/${id}/friends`)));
  return {
    users: users.map((r) => r.body),
    friends: friends.map((r) => r.body),
    mutual: (await s.api('GET', `/recommendation/v1/users/${a}/commands/findMutualFriends?friendId=${d}`)).body,
    recommendations: (await s.api('GET', `/recommendation/v1/users/${a}/commands/recommendFriends`)).body,
    ofB: (await s.api('GET', `/recommendation/v1/users/${b}/commands/recommendFriends`)).body,
    ofC: (await s.api('GET', `/recommendation/v1/users/${c}/commands/recommendFriends`)).body,
  };
}

describe('all-in-one through the gateway', () => {
  let before: Awaited<ReturnType<typeof view>>;

  test('serves the API of the original, and recommendations follow the commands', async () => {
    system = await startSystem(env);
    for (const [i, [firstName, lastName]] of names.entries()) {
      const res = await system.api('POST', '/user/v1/users', { firstName, lastName });
      expect(res.status).toBe(201);
      ids['abcdef'[i]!] = res.body.id;
    }
    const { a, b, c, d, e, f } = ids as Record<string, number>;
    for (const [x, y] of [[a, b], [c, a], [b, d], [c, d], [c, e], [d, f]]) {
      expect((await system.api('POST', `/friend/v1/users/${x}/commands/addFriend?friendId=${y}`)).status).toBe(201);
    }
    expect((await system.api('POST', `/friend/v1/users/${b}/commands/addFriend?friendId=${a}`)).status).toBe(409);
    expect((await system.api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${a}`)).status).toBe(400);
    expect((await system.api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=999999`)).status).toBe(404);
    const renamed = await system.api('PUT', `/user/v1/users/${d}`, { id: d, firstName: 'David', lastName: 'Diaz' }, { 'if-match': '"1"' });
    expect(renamed.status).toBe(200);

    // a's friends are b and c; d is a friend of both (weight 2), e of c only (weight 1).
    await eventually('recommendations to reflect every command', async () => {
      const res = await system.api('GET', `/recommendation/v1/users/${a}/commands/recommendFriends`);
      return JSON.stringify(res.body?.map((r: any) => [r.user.id, r.weight, r.user.firstName])) ===
        JSON.stringify([[d, 2, 'David'], [e, 1, 'Erin']]);
    }, 10_000);
    const mutual = await system.api('GET', `/recommendation/v1/users/${a}/commands/findMutualFriends?friendId=${d}`);
    expect(mutual.body.map((u: any) => u.id)).toEqual([b, c]);
    before = await view(system);
    expect(before.friends[0]!.map((f: any) => f.friendId).sort()).toEqual([b, c].sort());
  });

  test('a second process on the same DATA_DIR exits at once, saying the directory is in use', async () => {
    const second = spawnChild(entrypointFile('all-in-one'), systemEnv(dataDir));
    const code = await second.proc.exited;
    expect(code).not.toBe(0);
    expect(second.output()).toContain('in use');
    expect((await system.api('GET', '/user/actuator/health')).status).toBe(200);
  });

  test('stops cleanly and starts again with everything unchanged', async () => {
    expect(await system.process.stop()).toBe(0);
    system = await startSystem(env);
    await eventually('the rebuilt graph to answer as before', async () =>
      JSON.stringify((await view(system)).recommendations) === JSON.stringify(before.recommendations), 10_000);
    expect(await view(system)).toEqual(before);
    const next = await system.api('POST', '/user/v1/users', { firstName: 'Gina', lastName: 'Gray' });
    expect(next.body.id).toBeGreaterThan(Math.max(...Object.values(ids)));
    expect(await system.process.stop()).toBe(0);
  });
});
