// The load scenarios, the same as deploy/k6/*.js: sign-up, befriend, browse recommendations, and a
// mix of them. Each draws its next request from a seeded generator, so a run can be repeated.
import { mulberry32, type Rng } from '../lib/random';
import { runPool } from '../lib/pool';
import type { ScenarioName } from './args';
import { send, type Call } from './http';
import { friendPaths } from '../../src/modules/friend/contracts/http';

export interface Operation extends Call {
  name: string;
  /** Told the outcome of a success, e.g. to remember a created user. */
  onOk?: (body: unknown) => void;
}

export interface ScenarioState {
  /** Ids of users known to exist: created in setup or by sign-up operations. */
  users: number[];
  random: Rng;
}

const signUp = (state: ScenarioState, k: number): Operation => ({
  name: 'signup',
  method: 'POST',
  path: '/user/v1/users',
  body: { firstName: `Load${k}`, lastName: 'Tester' },
  wantBody: true,
  onOk: (body) => void state.users.push((body as { id: number }).id),
});

/** Two different known users (at random), or undefined while fewer than two exist. */
function twoUsers({ users, random }: ScenarioState): [number, number] | undefined {
  if (users.length < 2) return undefined;
  const a = Math.floor(random() * users.length);
  let b = Math.floor(random() * (users.length - 1));
  if (b >= a) b++;
  return [users[a]!, users[b]!];
}

const befriend = (state: ScenarioState, k: number): Operation => {
  const pair = twoUsers(state);
  if (!pair) return signUp(state, k);
  return { name: 'addFriend', method: 'POST', path: `/friend${friendPaths.addFriend(pair[0], pair[1])}` };
};

const recommend = (state: ScenarioState, k: number): Operation => {
  const pair = twoUsers(state);
  if (!pair) return signUp(state, k);
  return { name: 'recommendFriends', method: 'GET', path: `/recommendation/v1/users/${pair[0]}/commands/recommendFriends` };
};

const mutual = (state: ScenarioState, k: number): Operation => {
  const pair = twoUsers(state);
  if (!pair) return signUp(state, k);
  return { name: 'findMutualFriends', method: 'GET', path: `/recommendation/v1/users/${pair[0]}/commands/findMutualFriends?friendId=${pair[1]}` };
};

const getUser = (state: ScenarioState, k: number): Operation => {
  const pair = twoUsers(state);
  if (!pair) return signUp(state, k);
  return { name: 'getUser', method: 'GET', path: `/user/v1/users/${pair[0]}` };
};

type Pick = (state: ScenarioState, k: number) => Operation;

/** Operations with weights (out of their sum); mixed is a read-heavy social network. */
export const SCENARIO_MIX: Record<ScenarioName, [Pick, number][]> = {
  signup: [[signUp, 1]],
  befriend: [[befriend, 1]],
  browse: [[recommend, 8], [mutual, 2]],
  mixed: [[signUp, 10], [befriend, 20], [recommend, 45], [mutual, 10], [getUser, 15]],
};

/** Picks the next operation of `scenario` by weight. */
export function nextOperation(scenario: ScenarioName, state: ScenarioState, k: number): Operation {
  const mix = SCENARIO_MIX[scenario];
  const total = mix.reduce((sum, [, w]) => sum + w, 0);
  let x = state.random() * total;
  for (const [pick, weight] of mix) {
    if ((x -= weight) < 0) return pick(state, k);
  }
  return mix.at(-1)![0](state, k);
}

/** Friendships created in setup per user, so that browse has friends of friends to rank. */
const SETUP_FRIENDS_PER_USER = 3;

/**
 * Creates the users (and, for browse and mixed, friendships) a scenario starts from. Runs closed
 * loop at `concurrency`: it is preparation, not measurement. Throws if the API refuses.
 */
export async function setUp(scenario: ScenarioName, baseUrl: string, count: number, seed: number, concurrency: number, log: (line: string) => void): Promise<ScenarioState> {
  const state: ScenarioState = { users: [], random: mulberry32(seed) };
  if (scenario === 'signup') return state;
  const fail = (what: string, status: number, error?: string) => {
    throw new Error(`setup: ${what} failed with ${status === 0 ? `a network error (${error})` : `HTTP ${status}`}; is the API up at ${baseUrl}?`);
  };
  const started = performance.now();
  await runPool(Array.from({ length: count }, (_, i) => i), { concurrency }, async (i) => {
    const op = signUp(state, i);
    const out = await send(baseUrl, op);
    if (out.status !== 201) fail('creating a user', out.status, out.error);
    op.onOk!(out.body);
  });
  if (scenario === 'browse' || scenario === 'mixed') {
    const setupRandom = mulberry32(seed + 1);
    const pairs = Array.from({ length: count * SETUP_FRIENDS_PER_USER }, () => twoUsers({ users: state.users, random: setupRandom })!);
    await runPool(pairs, { concurrency }, async ([a, b]) => {
      const out = await send(baseUrl, { method: 'POST', path: `/friend${friendPaths.addFriend(a, b)}` });
      if (out.status !== 201 && out.status !== 409) fail('adding a friend', out.status, out.error);
    });
  }
  log(`setup: ${state.users.length} users${scenario === 'browse' || scenario === 'mixed' ? ` and up to ${count * SETUP_FRIENDS_PER_USER} friendships` : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return state;
}
