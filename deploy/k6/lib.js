// @ts-check
// Shared by the k6 scenarios: the same operations and setup as `bun run load` (scripts/load-lib).
// Settings come from the environment: k6 run -e BASE_URL=http://localhost:9000 -e RATE=200 ...
// Type-checked against @types/k6 (deploy/k6/tsconfig.json, part of `bun run typecheck`).
import http from 'k6/http';
import { check, fail } from 'k6';

/** @typedef {'signup' | 'addFriend' | 'recommendFriends' | 'findMutualFriends' | 'getUser'} Endpoint */
/** @typedef {{ ids: number[] }} SetupData */
/** @typedef {import('k6/options').Options} Options */
/** @typedef {import('k6/options').Scenario} Scenario */

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:9000').replace(/\/+$/, '');
const RATE = Number(__ENV.RATE || 100);
const DURATION = __ENV.DURATION || '30s';
const CONCURRENCY = Number(__ENV.CONCURRENCY || 32);
export const SETUP_USERS = Number(__ENV.USERS || 200);
// ramp.js: from RATE up to PEAK; the default stays under the gateway's 500 requests/s per client.
const PEAK = Number(__ENV.PEAK || RATE * 2);
const RAMP = __ENV.RAMP || '30s';
// Scales every latency limit, for a slower machine or a remote gateway (e.g. -e LATENCY_FACTOR=3).
const LATENCY_FACTOR = Number(__ENV.LATENCY_FACTOR || 1);

/**
 * Latency limits per endpoint in ms, [p95, p99]. `bun run load` against an all-in-one on a 2-core
 * VM measured, at 100 arrivals/s, p99 of 9-24 ms for the commands and 5-11 ms for the reads; at
 * 300/s (mixed) p99 of about 65 ms for every endpoint. The limits are about ten times the 100/s
 * figures: they catch a regression (a lost index, a retry storm, a blocked event loop), not noise.
 * @type {Record<Endpoint, [number, number]>}
 */
const LATENCY_MS = {
  signup: [250, 500],
  addFriend: [250, 500],
  recommendFriends: [100, 250],
  findMutualFriends: [100, 250],
  getUser: [100, 250],
};

/**
 * Pass/fail gates: under 1% failed requests (expected statuses excepted, see addFriend), checks
 * passing, and each endpoint the scenario calls within its latency limits (requests are tagged
 * `name:<endpoint>`). k6 exits 99 when one is crossed.
 * @param {readonly Endpoint[]} endpoints
 * @returns {NonNullable<Options['thresholds']>}
 */
export function thresholds(endpoints) {
  /** @type {NonNullable<Options['thresholds']>} */
  const gates = { http_req_failed: ['rate<0.01'], checks: ['rate>0.99'] };
  for (const endpoint of endpoints) {
    const [p95, p99] = LATENCY_MS[endpoint];
    gates[`http_req_duration{name:${endpoint}}`] = [`p(95)<${p95 * LATENCY_FACTOR}`, `p(99)<${p99 * LATENCY_FACTOR}`];
  }
  return gates;
}

/** @param {string} name @param {Scenario} scenario @param {readonly Endpoint[]} endpoints @returns {Options} */
function withGates(name, scenario, endpoints) {
  return { scenarios: { [name]: scenario }, thresholds: thresholds(endpoints), summaryTrendStats: ['avg', 'p(50)', 'p(90)', 'p(95)', 'p(99)', 'max'] };
}

/**
 * Open loop, like `bun run load`: RATE arrivals per second; k6 drops (and counts) those with no free VU.
 * @param {string} name @param {readonly Endpoint[]} endpoints @returns {Options}
 */
export function options(name, endpoints) {
  return withGates(name, { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: DURATION, preAllocatedVUs: Math.min(CONCURRENCY, 8), maxVUs: CONCURRENCY }, endpoints);
}

/**
 * Open loop with a changing rate: up to RATE over RAMP, hold for DURATION, up to PEAK over RAMP,
 * hold for DURATION, down to 0 over RAMP. Shows where latency starts to climb.
 * @param {string} name @param {readonly Endpoint[]} endpoints @returns {Options}
 */
export function rampingOptions(name, endpoints) {
  const stages = [
    { target: RATE, duration: RAMP },
    { target: RATE, duration: DURATION },
    { target: PEAK, duration: RAMP },
    { target: PEAK, duration: DURATION },
    { target: 0, duration: RAMP },
  ];
  return withGates(name, { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', stages, preAllocatedVUs: Math.min(CONCURRENCY, 8), maxVUs: CONCURRENCY }, endpoints);
}

const json = { 'content-type': 'application/json' };
// 409 on addFriend means the pair were friends already (random pairs repeat: about 7% with the
// defaults). It is the API's correct answer, so it must not count in http_req_failed.
const successOrConflict = http.expectedStatuses({ min: 200, max: 299 }, 409);

/** @param {number} i @returns {number | undefined} */
export function signUp(i) {
  const res = http.post(`${BASE_URL}/user/v1/users`, JSON.stringify({ firstName: `Load${i}`, lastName: 'Tester' }), { headers: json, tags: { name: 'signup' } });
  check(res, { 'signup 201': (r) => r.status === 201 });
  return res.status === 201 ? /** @type {number} */ (res.json('id')) : undefined;
}

/** @param {number} a @param {number} b */
export function addFriend(a, b) {
  const res = http.post(`${BASE_URL}/friend/v1/users/${a}/commands/addFriend?friendId=${b}`, null, { tags: { name: 'addFriend' }, responseCallback: successOrConflict });
  check(res, { 'addFriend 201 or 409': (r) => r.status === 201 || r.status === 409 });
}

/** @param {number} id */
export function recommendFriends(id) {
  check(http.get(`${BASE_URL}/recommendation/v1/users/${id}/commands/recommendFriends`, { tags: { name: 'recommendFriends' } }), { 'recommend 200': (r) => r.status === 200 });
}

/** @param {number} a @param {number} b */
export function findMutualFriends(a, b) {
  check(http.get(`${BASE_URL}/recommendation/v1/users/${a}/commands/findMutualFriends?friendId=${b}`, { tags: { name: 'findMutualFriends' } }), { 'mutual 200': (r) => r.status === 200 });
}

/** @param {number} id */
export function getUser(id) {
  check(http.get(`${BASE_URL}/user/v1/users/${id}`, { tags: { name: 'getUser' } }), { 'getUser 200': (r) => r.status === 200 });
}

/**
 * Two different users of `ids`, at random.
 * @param {readonly number[]} ids @returns {[number, number]}
 */
export function twoUsers(ids) {
  const a = Math.floor(Math.random() * ids.length);
  let b = Math.floor(Math.random() * (ids.length - 1));
  if (b >= a) b++;
  return [ids[a], ids[b]];
}

/** @type {readonly Endpoint[]} */
export const MIXED_ENDPOINTS = ['signup', 'addFriend', 'recommendFriends', 'findMutualFriends', 'getUser'];

/**
 * One arrival of the mixed, read-heavy load: sign-up 10%, befriend 20%, recommend 45%, mutual
 * friends 10%, get user 15% (the weights of `bun run load -- --scenario mixed`).
 * @param {readonly number[]} ids
 */
export function mixedArrival(ids) {
  const x = Math.random() * 100;
  const [a, b] = twoUsers(ids);
  if (x < 10) signUp(__ITER);
  else if (x < 30) addFriend(a, b);
  else if (x < 75) recommendFriends(a);
  else if (x < 85) findMutualFriends(a, b);
  else getUser(a);
}

/**
 * Users to start from, and for browse and mixed three friendships per user so there is something to rank.
 * @param {boolean} withFriends @returns {SetupData}
 */
export function setUpUsers(withFriends) {
  /** @type {number[]} */
  const ids = [];
  for (let i = 0; i < SETUP_USERS; i++) {
    const id = signUp(i);
    if (id === undefined) fail(`setup: could not create a user at ${BASE_URL}`);
    ids.push(id);
  }
  if (withFriends) for (let i = 0; i < SETUP_USERS * 3; i++) addFriend(...twoUsers(ids));
  return { ids };
}
