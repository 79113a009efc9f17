import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { SignJWT } from 'jose';
import { systemClock } from '../../src/platform/clock';
import type { Database } from '../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { registryHeaders, registryPaths } from '../../src/platform/discovery/registry-protocol';
import { InProcessBus } from '../../src/platform/events/in-process-bus';
import { createInternalAuth } from '../../src/platform/http/internal-auth';
import { INTERNAL_CREDENTIAL_HEADER } from '../../src/platform/http/internal-credential';
import { createLocalFetch } from '../../src/platform/http/local-fetch';
import { silentLogger } from '../../src/platform/log';
import { call } from '../kits/http';
import { createDiscoveryModule } from '../../src/modules/discovery';
import { createFriendModule, friendMigrationsFolder } from '../../src/modules/friend';
import { createGatewayModule } from '../../src/modules/gateway';
import { createRecommendationModule, recommendationMigrationsFolder } from '../../src/modules/recommendation';
import { createUserModule, userMigrationsFolder } from '../../src/modules/user';
import { testMasterKey } from '../kits/user-keys';

/**
 * AUTH_MODE=jwt across the real modules, wired as the all-in-one wires them (in-process fetch, one
 * bus): each module serves only what carries the gateway's internal credential, the gateway adds
 * it for users whose token it verified, and friend asks user about users with its own credential.
 */
const USER_SECRET = 'the-identity-providers-secret-long-enough';
const INTERNAL_SECRET = 'the-internal-secret-shared-by-our-processes';
const encoder = new TextEncoder();

const userToken = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('5m').sign(encoder.encode(USER_SECRET));

const internalToken = (claims: { iat: number; exp: number }, secret = INTERNAL_SECRET) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('gateway').setAudience('user').setSubject('2').setIssuedAt(claims.iat).setExpirationTime(claims.exp).sign(encoder.encode(secret));

const databases: Database[] = [];
const open = async (migrationsFolder: string, label: string) => {
  const db = await openEmbeddedDatabase({ migrationsFolder, label });
  databases.push(db);
  return db;
};

const internal = (service: string) => createInternalAuth({ secret: INTERNAL_SECRET, service, clock: systemClock });
const DISCOVERY = 'http://discovery.test';
const DISCOVERY_TOKEN = 'trust-test-discovery-token-0123456789';
const localFetch = createLocalFetch();
const bus = new InProcessBus();
/** What reached the user service: the headers that matter here. */
const seenByUser: { path: string; authorization: string | null; credential: string | null }[] = [];
let user: ReturnType<typeof createUserModule>;
let friend: ReturnType<typeof createFriendModule>;
let recommendation: ReturnType<typeof createRecommendationModule>;
let gateway: ReturnType<typeof createGatewayModule>;

beforeAll(async () => {
  const log = silentLogger;
  const discovery = createDiscoveryModule({ evictAfterMs: 60_000, clock: systemClock, log, token: DISCOVERY_TOKEN });
  localFetch.mount(DISCOVERY, (r) => discovery.app.handle(r));
  user = createUserModule({ masterKey: testMasterKey, database: await open(userMigrationsFolder, 'user'), bus, clock: systemClock, log, internalAuth: internal('user') });
  friend = createFriendModule({ database: await open(friendMigrationsFolder, 'friend'), bus, clock: systemClock, log, fetch: localFetch.fetch, discoveryUrl: DISCOVERY, discoveryToken: DISCOVERY_TOKEN, internalAuth: internal('friend') });
  recommendation = createRecommendationModule({ database: await open(recommendationMigrationsFolder, 'recommendation'), bus, log, internalAuth: internal('recommendation') });
  // Friend is not subscribed to user events: every user it meets must be confirmed by the user service over HTTP.
  await recommendation.connect();
  user.start();
  friend.start();
  localFetch.mount('http://user.test', (r) => {
    seenByUser.push({ path: new URL(r.url).pathname, authorization: r.headers.get('authorization'), credential: r.headers.get(INTERNAL_CREDENTIAL_HEADER) });
    return user.app.handle(r);
  });
  localFetch.mount('http://friend.test', (r) => friend.app.handle(r));
  localFetch.mount('http://recommendation.test', (r) => recommendation.app.handle(r));
  for (const service of ['user', 'friend', 'recommendation']) {
    const res = await call(discovery.app, 'POST', registryPaths.register, { service, instanceId: `${service}-1`, url: `http://${service}.test` }, registryHeaders(DISCOVERY_TOKEN));
    expect(res.status).toBeLessThan(300);
  }
  gateway = createGatewayModule({ fetch: localFetch.fetch, discoveryUrl: DISCOVERY, discoveryToken: DISCOVERY_TOKEN, upstreamTimeoutMs: 5_000, refreshMs: 10, log, auth: { mode: 'jwt', secret: USER_SECRET }, internalAuth: internal('gateway') });
  // Three embedded databases created from scratch: seconds each on a busy machine.
}, 60_000);
afterAll(async () => {
  for (const m of [user, friend, recommendation]) await m?.stop?.();
  await Promise.all(databases.map((db) => db.close()));
});

const viaGateway = async (method: string, path: string, sub: string, body?: unknown) => call(gateway.app, method, path, body, { authorization: `Bearer ${await userToken(sub)}` });

describe('AUTH_MODE=jwt: modules trust only the gateway', () => {
  test('through the gateway with a valid user token: sign-up, update, befriend (friend asks user) and reads succeed', async () => {
    expect((await viaGateway('POST', '/user/v1/users', '1', { firstName: 'Ada', lastName: 'Lovelace' })).status).toBe(201);
    expect((await viaGateway('POST', '/user/v1/users', '2', { firstName: 'Alan', lastName: 'Turing' })).status).toBe(201);
    expect((await viaGateway('PUT', '/user/v1/users/1', '1', { firstName: 'Ada', lastName: 'King' })).body).toMatchObject({ id: 1, lastName: 'King' });
    // Friend has seen no user event: 201 means the user service answered its credentialed question.
    const before = seenByUser.length;
    expect((await viaGateway('POST', '/friend/v1/users/1/commands/addFriend?friendId=2', '1')).status).toBe(201);
    expect(seenByUser.length).toBeGreaterThan(before);
    expect((await viaGateway('POST', '/friend/v1/users/1/commands/addFriend?friendId=99', '1')).status).toBe(404);
    expect((await viaGateway('GET', '/friend/v1/users/2/friends', '2')).body).toMatchObject([{ userId: 2, friendId: 1 }]);
    expect((await viaGateway('GET', '/recommendation/v1/users/1/commands/recommendFriends', '2')).status).toBe(200);
  });

  test("the user's bearer token never reaches a module; the gateway's credential does", async () => {
    expect(seenByUser.length).toBeGreaterThan(0);
    expect(seenByUser.every((s) => s.authorization === null)).toBe(true);
    // Health probes (the locator's, before it offers an instance) are open and carry nothing.
    expect(seenByUser.filter((s) => !s.path.startsWith('/actuator/health')).every((s) => s.credential !== null)).toBe(true);
  });

  test('direct calls without the credential: 401, with or without a forged x-authenticated-user; nothing changes', async () => {
    const attempts: Record<string, string>[] = [{}, { 'x-authenticated-user': '2' }, { 'x-authenticated-user': '2', authorization: `Bearer ${await userToken('2')}` }];
    for (const headers of attempts) {
      const put = await call(user.app, 'PUT', '/v1/users/2', { firstName: 'Mallory', lastName: 'X' }, headers);
      expect(put.status).toBe(401);
      expect(put.headers.get('content-type')).toContain('application/problem+json');
      expect((await call(friend.app, 'POST', '/v1/users/2/commands/addFriend?friendId=1', undefined, headers)).status).toBe(401);
      expect((await call(recommendation.app, 'GET', '/v1/users/1/commands/recommendFriends', undefined, headers)).status).toBe(401);
    }
    expect((await viaGateway('GET', '/user/v1/users/2', '1')).body).toMatchObject({ firstName: 'Alan', lastName: 'Turing' });
  });

  test('an expired or wrongly signed internal credential: 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await internalToken({ iat: now - 200, exp: now - 100 });
    const foreign = await internalToken({ iat: now, exp: now + 60 }, 'a-secret-that-is-not-the-shared-one-at-all');
    for (const token of [expired, foreign]) {
      expect((await call(user.app, 'PUT', '/v1/users/2', { firstName: 'Mallory', lastName: 'X' }, { [INTERNAL_CREDENTIAL_HEADER]: token })).status).toBe(401);
    }
    // The same claims, validly signed, pass: the refusals above are about expiry and signature.
    const good = await internalToken({ iat: now, exp: now + 60 });
    expect((await call(user.app, 'GET', '/v1/users/2', undefined, { [INTERNAL_CREDENTIAL_HEADER]: good })).status).toBe(200);
  });

  test("a module's health and metrics stay open; the merged OpenAPI document still has every module", async () => {
    for (const m of [user, friend, recommendation]) {
      expect((await call(m.app, 'GET', '/actuator/health')).status).toBe(200);
      expect((await call(m.app, 'GET', '/metrics')).status).toBe(200);
      expect((await call(m.app, 'GET', '/swagger/json')).status).toBe(401);
    }
    const doc = (await call(gateway.app, 'GET', '/swagger/json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/user/v1/users/{id}', '/friend/v1/users/{userId}/commands/addFriend', '/recommendation/v1/users/{userId}/commands/recommendFriends']));
  });
});
