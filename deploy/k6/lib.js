// Shared by the k6 scenarios: the same operations and setup as `bun run load` (scripts/load-lib).
// Settings come from the environment: k6 run -e BASE_URL=http://localhost:9000 -e RATE=200 ...
import http from 'k6/http';
import { check, fail } from 'k6';

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:9000').replace(/\/+$/, '');
const RATE = Number(__ENV.RATE || 100);
const DURATION = __ENV.DURATION || '30s';
const CONCURRENCY = Number(__ENV.CONCURRENCY || 32);
export const SETUP_USERS = Number(__ENV.USERS || 200);

/** Open loop, like `bun run load`: RATE arrivals per second; k6 drops (and counts) those with no free VU. */
export function options(name) {
  return {
    scenarios: {
      [name]: { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: DURATION, preAllocatedVUs: Math.min(CONCURRENCY, 8), maxVUs: CONCURRENCY },
    },
    // Reported, not enforced as pass/fail gates: a shared machine's latency is information.
    thresholds: { http_req_failed: ['rate<0.01'] },
    summaryTrendStats: ['avg', 'p(50)', 'p(90)', 'p(99)', 'max'],
  };
}

const json = { headers: { 'content-type': 'application/json' } };

export function signUp(i) {
  const res = http.post(`${BASE_URL}/user/v1/users`, JSON.stringify({ firstName: `Load${i}`, lastName: 'Tester' }), { ...json, tags: { name: 'signup' } });
  check(res, { 'signup 201': (r) => r.status === 201 });
  return res.status === 201 ? res.json('id') : undefined;
}

export function addFriend(a, b) {
  const res = http.post(`${BASE_URL}/friend/v1/users/${a}/commands/addFriend?friendId=${b}`, null, { tags: { name: 'addFriend' } });
  // 409: the pair were friends already (random pairs repeat now and then); not a failure.
  check(res, { 'addFriend 201 or 409': (r) => r.status === 201 || r.status === 409 });
}

export function recommendFriends(id) {
  check(http.get(`${BASE_URL}/recommendation/v1/users/${id}/commands/recommendFriends`, { tags: { name: 'recommendFriends' } }), { 'recommend 200': (r) => r.status === 200 });
}

export function findMutualFriends(a, b) {
  check(http.get(`${BASE_URL}/recommendation/v1/users/${a}/commands/findMutualFriends?friendId=${b}`, { tags: { name: 'findMutualFriends' } }), { 'mutual 200': (r) => r.status === 200 });
}

export function getUser(id) {
  check(http.get(`${BASE_URL}/user/v1/users/${id}`, { tags: { name: 'getUser' } }), { 'getUser 200': (r) => r.status === 200 });
}

/** Two different users of `ids`, at random. */
export function twoUsers(ids) {
  const a = Math.floor(Math.random() * ids.length);
  let b = Math.floor(Math.random() * (ids.length - 1));
  if (b >= a) b++;
  return [ids[a], ids[b]];
}

/** Users to start from, and for browse and mixed three friendships per user so there is something to rank. */
export function setUpUsers(withFriends) {
  const ids = [];
  for (let i = 0; i < SETUP_USERS; i++) {
    const id = signUp(i);
    if (id === undefined) fail(`setup: could not create a user at ${BASE_URL}`);
    ids.push(id);
  }
  if (withFriends) for (let i = 0; i < SETUP_USERS * 3; i++) addFriend(...twoUsers(ids));
  return { ids };
}
