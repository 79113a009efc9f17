import { friendPaths } from '../../src/modules/friend/contracts/http';

/** The few public API calls the probing suites (lag, consistency) make, one at a time, through the gateway. */

export interface Answer {
  status: number;
  json: any;
  headers: Headers;
}

export async function post(url: string, body?: unknown): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export async function createUser(gateway: string, name: string): Promise<number> {
  const { status, json } = await post(`${gateway}/user/v1/users`, { firstName: name, lastName: 'Probe' });
  if (status !== 201) throw new Error(`creating probe user: HTTP ${status}`);
  return json.id;
}

/** Adds the friendship and returns the command's Consistency-Token. */
export async function addFriend(gateway: string, a: number, b: number): Promise<string> {
  const { status, headers } = await post(`${gateway}/friend${friendPaths.addFriend(a, b)}`);
  if (status !== 201) throw new Error(`probe addFriend(${a}, ${b}): HTTP ${status}`);
  return headers.get('consistency-token') ?? '';
}
