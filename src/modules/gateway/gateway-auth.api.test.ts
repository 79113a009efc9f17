import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Server } from 'bun';
import { Elysia } from 'elysia';
import { createInternalAuth } from '../../platform/http/internal-auth';
import { createCredentialVerifier, INTERNAL_CREDENTIAL_HEADER } from '../../platform/http/internal-credential';
import { createDiscoveryModule } from '../discovery/index';
import { confusedToken, hs256, keyPair, nowSeconds, OTHER_SECRET, SECRET, tamperedToken, unsignedToken, type KeyPair } from '../../../test/kits/gateway/tokens';
import { expectProblem, gatewayWorld } from '../../../test/kits/gateway/world';
import type { GatewayModuleDeps } from './index';

/**
 * Authentication at the gateway, over real sockets: the gateway listens on a port, the upstreams
 * are servers that keep state (so "nothing changed" can be checked), the JWKS is served by a
 * Bun.serve. Tokens travel in real Authorization headers.
 */
const servers: Server<unknown>[] = [];
const gateways: { stop(): Promise<void> | void }[] = [];
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await Promise.all(servers.map((s) => s.stop(true)));
});

function serve(fetch: (request: Request) => Response | Promise<Response>): string {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

interface Seen {
  method: string;
  path: string;
  user: string | null;
}

/** A user and a friend service in miniature: enough state to show what a request changed. */
function upstreams() {
  const seen: Seen[] = [];
  /** The credential headers each request reached a service with, in order. */
  const credentials: { authorization: string | null; internal: string | null }[] = [];
  const users = new Map<number, { id: number; firstName: string; lastName: string }>([
    [1, { id: 1, firstName: 'Ada', lastName: 'Lovelace' }],
    [2, { id: 2, firstName: 'Alan', lastName: 'Turing' }],
  ]);
  const friendships = new Set<string>(['2-1']);
  const record = (request: Request) => {
    const url = new URL(request.url);
    seen.push({ method: request.method, path: url.pathname + url.search, user: request.headers.get('x-authenticated-user') });
    credentials.push({ authorization: request.headers.get('authorization'), internal: request.headers.get(INTERNAL_CREDENTIAL_HEADER) });
  };
  const user = new Elysia()
    .onRequest(({ request }) => void record(request))
    .get('/actuator/health', () => ({ status: 'UP' }))
    .get('/actuator/health/liveness', () => ({ status: 'UP' }))
    .get('/actuator/health/readiness', () => ({ status: 'UP' }))
    .post('/v1/users', ({ body, set }) => {
      const id = users.size + 1;
      users.set(id, { id, ...(body as { firstName: string; lastName: string }) });
      set.status = 201;
      return users.get(id);
    })
    .get('/v1/users/:id', ({ params }) => users.get(Number(params.id)) ?? new Response(null, { status: 404 }))
    .put('/v1/users/:id', ({ params, body }) => {
      const id = Number(params.id);
      users.set(id, { id, ...(body as { firstName: string; lastName: string }) });
      return users.get(id);
    });
  const friend = new Elysia()
    .onRequest(({ request }) => void record(request))
    .post('/v1/users/:userId/commands/addFriend', ({ params, query, set }) => {
      friendships.add(`${params.userId}-${query.friendId}`);
      set.status = 201;
      return { userId: Number(params.userId), friendId: Number(query.friendId) };
    })
    .post('/v1/users/:userId/commands/removeFriend', ({ params, query }) => {
      friendships.delete(`${params.userId}-${query.friendId}`);
      return new Response(null, { status: 204 });
    })
    .get('/v1/users/:userId/friends', ({ params }) => [...friendships].filter((f) => f.startsWith(`${params.userId}-`)));
  const recommendation = new Elysia().onRequest(({ request }) => void record(request)).all('/*', () => []);
  return { seen, credentials, users, friendships, user, friend, recommendation };
}

/** The gateway on a real port in front of the miniature services; `send` speaks HTTP to it. */
async function world(auth: GatewayModuleDeps['auth'], internalAuth?: GatewayModuleDeps['internalAuth']) {
  const w = gatewayWorld(createDiscoveryModule, { auth, internalAuth });
  const state = upstreams();
  await w.register('user', 'user-1', serve((r) => state.user.handle(r)));
  await w.register('friend', 'friend-1', serve((r) => state.friend.handle(r)));
  await w.register('recommendation', 'recommendation-1', serve((r) => state.recommendation.handle(r)));
  const app = w.gateway.app.listen({ port: 0, hostname: '127.0.0.1' });
  gateways.push({ stop: async () => void (await app.stop(true)) });
  const origin = `http://127.0.0.1:${app.server!.port}`;
  async function send(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(origin + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body };
  }
  return { ...state, send };
}

/** Every request a client can send to the API, each allowed for user 1 when authenticated. */
const OWN_REQUESTS: [string, string, unknown?][] = [
  ['POST', '/user/v1/users', { firstName: 'Grace', lastName: 'Hopper' }],
  ['GET', '/user/v1/users/2'],
  ['PUT', '/user/v1/users/1', { firstName: 'Ada', lastName: 'King' }],
  ['POST', '/friend/v1/users/1/commands/addFriend?friendId=2'],
  ['GET', '/friend/v1/users/2/friends'],
  ['POST', '/friend/v1/users/1/commands/removeFriend?friendId=2'],
  ['GET', '/recommendation/v1/users/2/commands/recommendFriends?limit=5'],
];

const HS256 = { mode: 'jwt', secret: SECRET } as const;

describe('AUTH_MODE=jwt with an HS256 secret', () => {
  test('no token: 401 on every API request, reads and sign-up included, with a bare Bearer challenge; nothing reaches a service', async () => {
    const w = await world(HS256);
    for (const [method, path, body] of OWN_REQUESTS) {
      const res = await w.send(method, path, { body });
      expectProblem(res, 401);
      expect(res.body).toMatchObject({ title: 'Unauthorized', detail: 'missing bearer token: send Authorization: Bearer <jwt>' });
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="social-network"');
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
    const basic = await w.send('GET', '/user/v1/users/1', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expectProblem(basic, 401);
    expect(basic.body.detail).toBe('the Authorization header must use the Bearer scheme');
    expect(w.seen).toEqual([]);
  });

  test('a token that fails: 401, error="invalid_token", and a detail that says why', async () => {
    const w = await world(HS256);
    const mine = await hs256({ sub: '1' });
    const cases: [string, string, RegExp][] = [
      ['expired', await hs256({ sub: '1', expIn: -120 }), /^token expired$/],
      ['alg none', unsignedToken({ sub: '1', exp: nowSeconds() + 600 }), /^unsupported token algorithm "none"; accepted: HS256$/],
      ['another secret', await hs256({ sub: '1' }, OTHER_SECRET), /^bad token signature$/],
      ['tampered payload', tamperedToken(mine, { sub: '2', exp: nowSeconds() + 600 }), /^bad token signature$/],
      ['malformed', 'not-a-token', /^malformed token/],
      ['not valid yet', await hs256({ sub: '1', nbfIn: 600 }), /not valid yet/],
      ['no expiry', await hs256({ sub: '1', expIn: null }), /lacks the "exp" claim/],
      ['subject not a user id', await hs256({ sub: 'alice' }), /sub.*user id/],
    ];
    for (const [name, token, detail] of cases) {
      for (const [method, path, body] of [['GET', '/user/v1/users/1'], ['PUT', '/user/v1/users/1', { firstName: 'X', lastName: 'Y' }]] as const) {
        const res = await w.send(method, path, { token, body });
        expectProblem(res, 401);
        expect({ name, detail: res.body.detail }).toEqual({ name, detail: expect.stringMatching(detail) });
        expect(res.headers.get('www-authenticate')).toStartWith('Bearer realm="social-network", error="invalid_token", error_description="');
      }
    }
    expect(w.seen).toEqual([]);
    expect(w.users.get(1)!.lastName).toBe('Lovelace');
  });

  test("one's own mutations and every read pass, with the verified user forwarded and a forged one dropped", async () => {
    const w = await world(HS256);
    const token = await hs256({ sub: '1' });
    const statuses = [];
    for (const [method, path, body] of OWN_REQUESTS) {
      statuses.push((await w.send(method, path, { token, body, headers: { 'x-authenticated-user': '2' } })).status);
    }
    expect(statuses).toEqual([201, 200, 200, 201, 200, 204, 200]);
    expect(w.seen.map((s) => s.user)).toEqual(OWN_REQUESTS.map(() => '1'));
    expect(w.users.get(1)!.lastName).toBe('King');
    expect(w.users.get(3)!.firstName).toBe('Grace');
  });

  test("the client's bearer token stays at the gateway; upstreams get the gateway's credential for the verified user", async () => {
    const INTERNAL = 'the-internal-secret-shared-with-the-modules';
    const w = await world(HS256, createInternalAuth({ secret: INTERNAL, service: 'gateway' }));
    const token = await hs256({ sub: '1' });
    // A credential the client sends along is dropped, whoever minted it.
    const smuggled = { [INTERNAL_CREDENTIAL_HEADER]: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln' };
    for (const [method, path, body] of OWN_REQUESTS) expect((await w.send(method, path, { token, body, headers: smuggled })).status).toBeLessThan(300);
    expect(await w.send('GET', '/user/actuator/health', { token })).toMatchObject({ status: 200 });
    expect(w.credentials.map((c) => c.authorization)).toEqual([...OWN_REQUESTS, 'health'].map(() => null));
    const services = OWN_REQUESTS.map(([, path]) => path.split('/')[1]!);
    for (const [i, service] of services.entries()) {
      const verified = await createCredentialVerifier({ secret: INTERNAL, audience: service }).verify(w.credentials[i]!.internal ?? '');
      expect(verified).toEqual({ ok: true, caller: { kind: 'user', userId: '1' } });
    }
    // Health is open upstream too: no credential is made for it.
    expect(w.credentials.at(-1)!.internal).toBeNull();
  });

  test('cross-user mutations: 403, and the service never sees them', async () => {
    const w = await world(HS256);
    const token = await hs256({ sub: '1' });
    const cases: [string, string, unknown?][] = [
      ['PUT', '/user/v1/users/2', { firstName: 'Mallory', lastName: 'X' }],
      ['PUT', '/user/v1/users/2?id=1', { id: 1, firstName: 'Mallory', lastName: 'X' }],
      ['POST', '/friend/v1/users/2/commands/addFriend?friendId=3'],
      ['POST', '/friend/v1/users/2/commands/removeFriend?friendId=1'],
    ];
    for (const [method, path, body] of cases) {
      const res = await w.send(method, path, { token, body });
      expectProblem(res, 403);
      expect(res.body).toMatchObject({ title: 'Forbidden', detail: expect.stringMatching(/user 2 .*; the token is for user 1$/) });
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    expect(w.seen).toEqual([]);
    expect(w.users.get(2)).toEqual({ id: 2, firstName: 'Alan', lastName: 'Turing' });
    expect([...w.friendships]).toEqual(['2-1']);
  });

  test('mutations no rule allows are denied by default, odd spellings of allowed ones too', async () => {
    const w = await world(HS256);
    const token = await hs256({ sub: '1' });
    for (const [method, path] of [
      ['DELETE', '/user/v1/users/1/'],
      ['DELETE', '/user/v1/users/2'],
      ['PATCH', '/user/v1/users/1'],
      ['PUT', '/user/v1/users/1/'],
      ['PUT', '/user/v1/users/%31'],
      ['POST', '/recommendation/v1/users/1/commands/recommendFriends'],
    ]) {
      expectProblem(await w.send(method!, path!, { token, body: { firstName: 'A', lastName: 'B' } }), 403);
    }
    expect(w.seen).toEqual([]);
  });

  test("health checks, the gateway's own paths and the docs need no token", async () => {
    const w = await world(HS256);
    expect(await w.send('GET', '/user/actuator/health')).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect(w.seen).toEqual([{ method: 'GET', path: '/actuator/health', user: null }]);
    // The Kubernetes probe groups too, routed or the gateway's own.
    for (const group of ['liveness', 'readiness']) {
      expect(await w.send('GET', `/user/actuator/health/${group}`)).toMatchObject({ status: 200, body: { status: 'UP' } });
      expect(await w.send('GET', `/actuator/health/${group}`)).toMatchObject({ status: 200, body: { status: 'UP' } });
    }
    expect(await w.send('GET', '/actuator/health')).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect((await w.send('GET', '/metrics')).status).toBe(200);
    expect((await w.send('GET', '/swagger')).status).toBe(200);
    expect((await w.send('GET', '/swagger/json')).status).toBe(200);
    // Only reading the health is open.
    expectProblem(await w.send('POST', '/user/actuator/health'), 401);
  });

  test('the merged document declares bearerAuth and requires it, except for health checks', async () => {
    const w = await world(HS256);
    const doc = (await w.send('GET', '/swagger/json')).body;
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/actuator/health'].get.security).toEqual([]);
    expect(doc.paths['/actuator/health/liveness'].get.security).toEqual([]);
    expect(doc.paths['/actuator/health/readiness'].get.security).toEqual([]);
    expect(doc.components.responses.Unauthorized.content['application/problem+json']).toBeDefined();
  });

  test('a token from `bun run token` is accepted; without a secret the script says what is missing', async () => {
    const w = await world(HS256);
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const script = `${import.meta.dir}/../../../scripts/token.ts`;
    const minted = Bun.spawnSync([process.execPath, script, '--user', '1', '--ttl', '5m'], { env: { ...env, AUTH_JWT_SECRET: SECRET } });
    expect(minted.exitCode).toBe(0);
    const token = minted.stdout.toString().trim();
    expect(await w.send('PUT', '/user/v1/users/1', { token, body: { firstName: 'Ada', lastName: 'B' } })).toMatchObject({ status: 200 });
    const refused = Bun.spawnSync([process.execPath, script, '--user', '1'], { env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.toString()).toContain('AUTH_JWT_SECRET');
  });
});

describe('AUTH_MODE=jwt with keys from a JWKS', () => {
  let rsa: KeyPair;
  let ec: KeyPair;
  let unpublished: KeyPair;
  let jwksUrl: string;
  let jwksFetches = 0;
  beforeAll(async () => {
    [rsa, ec, unpublished] = await Promise.all([keyPair('RS256', 'rsa-1'), keyPair('ES256', 'ec-1'), keyPair('RS256', 'rsa-2')]);
    jwksUrl = `${serve(() => (jwksFetches++, Response.json({ keys: [rsa.jwk, ec.jwk] })))}/.well-known/jwks.json`;
  });

  test('RS256 and ES256 tokens signed with published keys are accepted; the key set is fetched once', async () => {
    const w = await world({ mode: 'jwt', jwksUrl });
    const before = jwksFetches;
    expect(await w.send('PUT', '/user/v1/users/1', { token: await rsa.sign({ sub: '1' }), body: { firstName: 'R', lastName: 'S' } })).toMatchObject({ status: 200 });
    expect(await w.send('POST', '/friend/v1/users/2/commands/addFriend?friendId=1', { token: await ec.sign({ sub: '2' }) })).toMatchObject({ status: 201 });
    expect(await w.send('GET', '/user/v1/users/1', { token: await ec.sign({ sub: '2' }) })).toMatchObject({ status: 200 });
    expect(w.seen.map((s) => s.user)).toEqual(['1', '2', '2']);
    expect(jwksFetches - before).toBe(1);
  });

  test('HS256 against the JWKS (the RSA public key as HMAC secret), alg none and unpublished keys: 401', async () => {
    const w = await world({ mode: 'jwt', jwksUrl });
    const cases: [string, RegExp][] = [
      [await confusedToken(rsa, { sub: '1' }), /^unsupported token algorithm "HS256"/],
      [await hs256({ sub: '1' }), /^unsupported token algorithm "HS256"/],
      [unsignedToken({ sub: '1', exp: nowSeconds() + 600 }), /^unsupported token algorithm "none"/],
      [await unpublished.sign({ sub: '1' }), /no published signing key matches/],
      [await unpublished.sign({ sub: '1', kid: 'rsa-1' }), /^bad token signature$/],
      [await rsa.sign({ sub: '1', expIn: -120 }), /^token expired$/],
    ];
    for (const [token, detail] of cases) {
      const res = await w.send('GET', '/user/v1/users/1', { token });
      expectProblem(res, 401);
      expect(res.body.detail).toMatch(detail);
    }
    expect(w.seen).toEqual([]);
  });

  test('cross-user mutations with a JWKS-signed token: 403', async () => {
    const w = await world({ mode: 'jwt', jwksUrl });
    expectProblem(await w.send('PUT', '/user/v1/users/1', { token: await ec.sign({ sub: '2' }), body: { firstName: 'M', lastName: 'X' } }), 403);
    expect(w.seen).toEqual([]);
  });

  test('issuer and audience, when configured, must match', async () => {
    const w = await world({ mode: 'jwt', jwksUrl, issuer: 'https://id.test', audience: 'social-network' });
    expect((await w.send('GET', '/user/v1/users/1', { token: await rsa.sign({ iss: 'https://id.test', aud: 'social-network' }) })).status).toBe(200);
    expectProblem(await w.send('GET', '/user/v1/users/1', { token: await rsa.sign({ iss: 'https://other.test', aud: 'social-network' }) }), 401);
    expectProblem(await w.send('GET', '/user/v1/users/1', { token: await rsa.sign({ iss: 'https://id.test', aud: 'other' }) }), 401);
  });

  test('identity provider unreachable: 503, not 401', async () => {
    const dead = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
    const port = String(dead.port);
    const url = `http://127.0.0.1:${port}/jwks.json`;
    await dead.stop(true);
    const w = await world({ mode: 'jwt', jwksUrl: url });
    const res = await w.send('GET', '/user/v1/users/1', { token: await rsa.sign() });
    expectProblem(res, 503);
    expect(res.body.detail).toBe('the signing keys of the identity provider are unavailable');
    expect(JSON.stringify(res.body)).not.toContain(port);
  });
});

describe('AUTH_MODE=off (the default)', () => {
  test('no token needed, a forged x-authenticated-user is dropped, and the document has no security scheme', async () => {
    const w = await world(undefined);
    const statuses = [];
    for (const [method, path, body] of OWN_REQUESTS) statuses.push((await w.send(method, path, { body, headers: { 'x-authenticated-user': '2' } })).status);
    expect(statuses).toEqual([201, 200, 200, 201, 200, 204, 200]);
    expect((await w.send('PUT', '/user/v1/users/2', { body: { firstName: 'Any', lastName: 'One' } })).status).toBe(200);
    expect(w.seen.every((s) => s.user === null)).toBe(true);
    expect(w.credentials.every((c) => c.internal === null)).toBe(true);
    const doc = (await w.send('GET', '/swagger/json')).body;
    expect(doc.security).toBeUndefined();
    expect(doc.components.securitySchemes).toBeUndefined();
    const explicit = await world({ mode: 'off' });
    expect((await explicit.send('PUT', '/user/v1/users/2', { body: { firstName: 'Any', lastName: 'Two' } })).status).toBe(200);
  });
});
