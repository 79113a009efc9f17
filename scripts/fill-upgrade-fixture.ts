/**
 * Fills a freshly started system with a small, fixed history through the public API and writes
 * every answer a client could see to `answers.json`: the upgrade test starts a newer release on
 * the data this made and expects the same answers.
 *
 *   bun scripts/fill-upgrade-fixture.ts --url http://127.0.0.1:9000 --out test/fixtures/<release>/answers.json
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { url: { type: 'string', default: 'http://127.0.0.1:9000' }, out: { type: 'string' } } });
if (!values.out) throw new Error('--out is required');
const base = values.url!;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const people = [['Ada', 'Lovelace'], ['Grace', 'Hopper'], ['Alan', 'Turing'], ['Edsger', 'Dijkstra'], ['Barbara', 'Liskov'], ['Donald', 'Knuth']];
const ids: number[] = [];
for (const [firstName, lastName] of people) ids.push((await api('POST', '/user/v1/users', { firstName, lastName })).id);
await api('PUT', `/user/v1/users/${ids[3]}`, { firstName: 'Edsger W.', lastName: 'Dijkstra' });
const pairs = [[0, 1], [1, 2], [2, 3], [0, 4], [4, 2], [3, 5], [1, 5]];
for (const [a, b] of pairs) await api('POST', `/friend/v1/users/${ids[a!]}/commands/addFriend?friendId=${ids[b!]}`);
await api('POST', `/friend/v1/users/${ids[1]}/commands/removeFriend?friendId=${ids[5]}`);
await Bun.sleep(500); // the projection follows within milliseconds

const answers: Record<string, unknown> = { ids };
for (const id of ids) {
  answers[`/user/v1/users/${id}`] = await api('GET', `/user/v1/users/${id}`);
  answers[`/friend/v1/users/${id}/friends`] = await api('GET', `/friend/v1/users/${id}/friends`);
  answers[`/recommendation/v1/users/${id}/commands/recommendFriends`] = await api('GET', `/recommendation/v1/users/${id}/commands/recommendFriends`);
}
answers[`/recommendation/v1/users/${ids[0]}/commands/findMutualFriends?friendId=${ids[2]}`] = await api('GET', `/recommendation/v1/users/${ids[0]}/commands/findMutualFriends?friendId=${ids[2]}`);
await Bun.write(values.out, `${JSON.stringify(answers, null, 2)}\n`);
console.log(`wrote ${Object.keys(answers).length - 1} answers for users ${ids.join(', ')} to ${values.out}`);
