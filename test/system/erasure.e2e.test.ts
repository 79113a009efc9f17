import { afterAll, describe, expect, test } from 'bun:test';
import { eventually, tempDir } from '../kits/processes';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/**
 * Erasure as a user sees it, in the all-in-one through the gateway: once `DELETE` answers, the
 * user is 410 in the user service, in no friend list, mutual friends or recommendation, cannot be
 * befriended, and stays so after a restart (the graph rebuilt from the recommendation log).
 */
const dataDir = tempDir('erasure-');
const env = systemEnv(dataDir);
let system: System;
afterAll(() => system?.process.proc.kill('SIGKILL'));

// A name no other user has: found in an answer, it can only be the erased user's.
const marker = `Zq${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
const ids: Record<'ada' | 'erin' | 'cleo' | 'dan', number> = { ada: 0, erin: 0, cleo: 0, dan: 0 };

/** Every answer that could show a user, as one text to search. */
async function everyAnswer(s: System): Promise<string> {
  const { ada, erin, cleo, dan } = ids;
  const paths = [
    ...[ada, erin, cleo, dan].flatMap((id) => [`/user/v1/users/${id}`, `/friend/v1/users/${id}/friends`, `/recommendation/v1/users/${id}/commands/recommendFriends`]),
    `/recommendation/v1/users/${ada}/commands/findMutualFriends?friendId=${cleo}`,
    `/recommendation/v1/users/${ada}/commands/findMutualFriends?friendId=${dan}`,
    `/user/v1/users?name=${marker}`,
    `/user/v1/users?name=${erin}`,
  ];
  const bodies = await Promise.all(paths.map(async (p) => JSON.stringify((await s.api('GET', p)).body)));
  return bodies.join('\n');
}

async function expectErased(s: System) {
  const { ada, erin, cleo, dan } = ids;
  const user = await s.api('GET', `/user/v1/users/${erin}`);
  expect(user.status).toBe(410);
  expect(user.headers.get('content-type')).toBe('application/problem+json');
  await eventually('every projection to drop the erased user', async () => {
    const text = await everyAnswer(s);
    const recs = (await s.api('GET', `/recommendation/v1/users/${ada}/commands/recommendFriends`)).body;
    return !text.includes(marker) && !text.includes(`"friendId":${erin}`) && JSON.stringify(recs.map((r: any) => r.user.id)) === JSON.stringify([dan]);
  }, 10_000);
  expect((await s.api('GET', `/friend/v1/users/${erin}/friends`)).body).toEqual([]);
  expect((await s.api('GET', `/recommendation/v1/users/${ada}/commands/findMutualFriends?friendId=${cleo}`)).body).toEqual([]);
  for (const [a, b] of [[ada, erin], [erin, cleo]]) {
    const res = await s.api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${b}`);
    expect(res.status).toBe(410);
  }
  expect((await s.api('DELETE', `/user/v1/users/${erin}`)).status).toBe(410);
}

describe('erasing a user in the all-in-one', () => {
  test('the user and their friendships disappear from every answer', async () => {
    system = await startSystem(env);
    for (const [key, [firstName, lastName]] of Object.entries({ ada: ['Ada', 'A'], erin: [marker, marker], cleo: ['Cleo', 'C'], dan: ['Dan', 'D'] })) {
      ids[key as keyof typeof ids] = (await system.api('POST', '/user/v1/users', { firstName, lastName })).body.id;
    }
    const { ada, erin, cleo, dan } = ids;
    for (const [a, b] of [[ada, erin], [erin, cleo], [cleo, dan], [ada, cleo]]) {
      expect((await system.api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${b}`)).status).toBe(201);
    }
    await eventually('the graph to show the erased-to-be user', async () => (await everyAnswer(system)).includes(marker), 10_000);

    const erased = await system.api('DELETE', `/user/v1/users/${erin}`);
    expect(erased.status).toBe(204);
    await expectErased(system);
  });

  test('a restart rebuilds the graph from the log, and the user stays erased', async () => {
    expect(await system.process.stop()).toBe(0);
    system = await startSystem(env);
    await expectErased(system);
    expect(await system.process.stop()).toBe(0);
  });
});
