import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { systemClock } from '../../platform/clock';
import { openEmbeddedDatabase } from '../../platform/db/embedded';
import type { Database } from '../../platform/db/database';
import { InProcessBus } from '../../platform/events/in-process-bus';
import type { EventEnvelope } from '../../platform/events/envelope';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { createUserModule, USER_EVENTS_TOPIC, userMigrationsFolder } from './index';
import { testMasterKey } from '../../../test/kits/user-keys';

let database: Database;
let user: ReturnType<typeof createUserModule>;
const published: EventEnvelope[] = [];

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  const bus = new InProcessBus();
  await bus.subscribe({ group: 'probe', topics: [USER_EVENTS_TOPIC], handle: async (_t, events) => void published.push(...events) });
  user = createUserModule({ masterKey: testMasterKey, database, bus, clock: systemClock, log: silentLogger });
  user.start();
});
afterAll(async () => {
  await user.stop();
  await database.close();
});

const countUsers = async () => {
  const res = await database.db.execute('select count(*)::int as n from users' as any);
  return Number((res as any).rows[0].n);
};

describe('POST /v1/users', () => {
  test('creates users with increasing ids and publishes UserCreated', async () => {
    const a = await call(user.app, 'POST', '/v1/users', { firstName: 'Ada', lastName: 'Lovelace' });
    const b = await call(user.app, 'POST', '/v1/users', { firstName: 'Alan', lastName: 'Turing' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
    expect(b.body.id).toBeGreaterThan(a.body.id);
    expect(a.body.createdAt).toBe(a.body.lastModified);
    expect(a.headers.get('etag')).toBe('"1"');
    await Bun.sleep(20);
    const created = published.filter((e) => e.type === 'UserCreated').map((e) => (e.data as any).userId);
    expect(created).toEqual(expect.arrayContaining([a.body.id, b.body.id]));
  });

  test.each([
    ['malformed JSON', '{"firstName": "A",'],
    ['missing lastName', { firstName: 'A' }],
    ['wrong type', { firstName: 42, lastName: 'B' }],
    ['blank name', { firstName: '   ', lastName: 'B' }],
    ['huge string', { firstName: 'x'.repeat(100_000), lastName: 'B' }],
    ['array body', [1, 2]],
    // Text PostgreSQL cannot store, which used to reach the database and come back as a 500.
    ['NUL in a name', { firstName: 'A\u0000B', lastName: 'B' }],
    ['an unpaired surrogate', { firstName: 'A\ud800', lastName: 'B' }],
    ['101 characters', { firstName: '😀'.repeat(101), lastName: 'B' }],
  ])('rejects %s with a 400 problem and creates nothing', async (_name, body) => {
    const before = await countUsers();
    const res = await call(user.app, 'POST', '/v1/users', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(typeof res.body.detail).toBe('string');
    expect(await countUsers()).toBe(before);
  });

  test('counts characters as the document does, not UTF-16 units', async () => {
    const res = await call(user.app, 'POST', '/v1/users', { firstName: '😀'.repeat(100), lastName: 'Ü' });
    expect(res.status).toBe(201);
    expect(res.body.firstName).toBe('😀'.repeat(100));
  });

  // Text and form bodies can be sent cross-site without a CORS preflight; a command takes JSON only.
  test.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form type', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=b'],
    ['a non-UTF-8 charset', 'application/json; charset=latin1'],
  ])('refuses a JSON body declared as %s with 415 and creates nothing', async (_name, contentType) => {
    const before = await countUsers();
    const res = await call(user.app, 'POST', '/v1/users', JSON.stringify({ firstName: 'Cross', lastName: 'Site' }), { 'content-type': contentType });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.detail).toStartWith('request body must be application/json');
    expect(await countUsers()).toBe(before);
  });

  test('a body without a Content-Type is 415, no body at all a 400', async () => {
    const untyped = await user.app.handle(new Request('http://localhost/v1/users', { method: 'POST', body: new Blob(['{"firstName":"A","lastName":"B"}']) }));
    expect(untyped.status).toBe(415);
    const empty = await user.app.handle(new Request('http://localhost/v1/users', { method: 'POST' }));
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toBe('application/problem+json');
  });

  test('an update declared as text/plain is 415 too, and changes nothing', async () => {
    const { body: created } = await call(user.app, 'POST', '/v1/users', { firstName: 'Plain', lastName: 'Text' });
    const res = await call(user.app, 'PUT', `/v1/users/${created.id}`, JSON.stringify({ firstName: 'Changed', lastName: 'Text' }), { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect((await call(user.app, 'GET', `/v1/users/${created.id}`)).body.firstName).toBe('Plain');
  });

  test('takes application/json with a UTF-8 charset', async () => {
    const res = await call(user.app, 'POST', '/v1/users', JSON.stringify({ firstName: 'Char', lastName: 'Set' }), { 'content-type': 'Application/JSON; charset=utf-8' });
    expect(res.status).toBe(201);
  });

  test('refuses invalid UTF-8 with a 400 and stores nothing, rather than storing U+FFFD', async () => {
    const before = await countUsers();
    const bytes = new Uint8Array([...new TextEncoder().encode('{"firstName":"A'), 0xff, 0xfe, ...new TextEncoder().encode('","lastName":"B"}')]);
    const res = await user.app.handle(new Request('http://localhost/v1/users', { method: 'POST', body: bytes, headers: { 'content-type': 'application/json' } }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe('body is not valid UTF-8');
    expect(await countUsers()).toBe(before);
  });

  test('refuses deep nesting before parsing it, while other requests are answered', async () => {
    const before = await countUsers();
    // 1 MB of `[`: JSON.parse would recurse until the stack overflows.
    const deep = () => '{"firstName":' + '['.repeat(1024 * 1024 - 40) + '"A"}';
    const answers = Promise.all([1, 2, 3, 4].map(() => call(user.app, 'POST', '/v1/users', deep())));
    const health = await call(user.app, 'GET', '/actuator/health');
    expect(health.status).toBe(200);
    for (const res of await answers) {
      expect(res.status).toBe(400);
      expect(res.body.detail).toBe('JSON nesting deeper than 32 levels');
    }
    // 32 levels are fine for the parser (then the schema says what is wrong).
    const shallow = await call(user.app, 'POST', '/v1/users', '{"firstName":' + '['.repeat(31) + ']'.repeat(31) + ',"lastName":"B"}');
    expect(shallow.status).toBe(400);
    expect(shallow.body.detail).toContain('firstName');
    expect(await countUsers()).toBe(before);
  });

  test('ignores unknown fields and never assigns id or timestamps from the body', async () => {
    const res = await call(user.app, 'POST', '/v1/users', {
      firstName: 'Grace', lastName: 'Hopper', id: 999999, createdAt: '2000-01-01T00:00:00.000Z', admin: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe(999999);
    expect(res.body.createdAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(res.body).not.toHaveProperty('admin');
    await Bun.sleep(20);
    const event = published.find((e) => e.type === 'UserCreated' && (e.data as any).userId === res.body.id);
    // Only the id and the sealed names: no field of the body, and no name in the clear.
    expect(event?.schemaVersion).toBe(2);
    expect(event?.data).toEqual({ userId: res.body.id, names: { sealed: expect.any(String), digest: expect.any(String) } });
    expect(JSON.stringify(event)).not.toContain('Grace');
  });
});

describe('GET /v1/users/:id', () => {
  test('returns the user with its ETag', async () => {
    const { body: created } = await call(user.app, 'POST', '/v1/users', { firstName: 'Edsger', lastName: 'Dijkstra' });
    const res = await call(user.app, 'GET', `/v1/users/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
  });

  test('404 for an unknown id, 400 for a non-numeric or out-of-range one', async () => {
    expect((await call(user.app, 'GET', '/v1/users/777777')).status).toBe(404);
    expect((await call(user.app, 'GET', '/v1/users/abc')).status).toBe(400);
    expect((await call(user.app, 'GET', '/v1/users/99999999999')).status).toBe(400);
    expect((await call(user.app, 'GET', '/v1/users/0')).status).toBe(400);
  });

  test("a problem names the request's path as its instance, behind the gateway with the route's prefix", async () => {
    const direct = await call(user.app, 'GET', '/v1/users/777777?x=1');
    expect(direct.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: expect.any(String), instance: '/v1/users/777777' });
    expect((await call(user.app, 'GET', '/v1/users/777777', undefined, { 'x-forwarded-prefix': '/user' })).body.instance).toBe('/user/v1/users/777777');
    // Not a plain path prefix: ignored rather than echoed.
    expect((await call(user.app, 'GET', '/v1/users/777777', undefined, { 'x-forwarded-prefix': 'http://evil' })).body.instance).toBe('/v1/users/777777');
  });
});

describe('PUT /v1/users/:id', () => {
  test('updates names, keeps createdAt, bumps the version', async () => {
    const { body: u } = await call(user.app, 'POST', '/v1/users', { firstName: 'Barbara', lastName: 'Liskow' });
    await Bun.sleep(2);
    const res = await call(user.app, 'PUT', `/v1/users/${u.id}`, { ...u, lastName: 'Liskov', createdAt: '1999-01-01T00:00:00Z' }, { 'if-match': '"1"' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: u.id, firstName: 'Barbara', lastName: 'Liskov', createdAt: u.createdAt });
    expect(res.body.lastModified > u.lastModified).toBe(true);
    expect(res.headers.get('etag')).toBe('"2"');
    expect((await call(user.app, 'GET', `/v1/users/${u.id}`)).body.lastName).toBe('Liskov');
  });

  test('412 for a stale If-Match, and nothing changes', async () => {
    const { body: u } = await call(user.app, 'POST', '/v1/users', { firstName: 'Ken', lastName: 'Thompson' });
    await call(user.app, 'PUT', `/v1/users/${u.id}`, { firstName: 'Kenneth', lastName: 'Thompson' }, { 'if-match': '"1"' });
    const res = await call(user.app, 'PUT', `/v1/users/${u.id}`, { firstName: 'Dennis', lastName: 'Ritchie' }, { 'if-match': '"1"' });
    expect(res.status).toBe(412);
    expect((await call(user.app, 'GET', `/v1/users/${u.id}`)).body.firstName).toBe('Kenneth');
  });

  test('400 when the body id differs from the path, 404 for an unknown user', async () => {
    const { body: u } = await call(user.app, 'POST', '/v1/users', { firstName: 'Niklaus', lastName: 'Wirth' });
    const mismatch = await call(user.app, 'PUT', `/v1/users/${u.id}`, { id: u.id + 1, firstName: 'X', lastName: 'Y' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.detail).toContain('does not match');
    expect((await call(user.app, 'GET', `/v1/users/${u.id}`)).body.firstName).toBe('Niklaus');
    expect((await call(user.app, 'PUT', '/v1/users/888888', { firstName: 'X', lastName: 'Y' })).status).toBe(404);
  });

  test('400 for a malformed If-Match', async () => {
    const { body: u } = await call(user.app, 'POST', '/v1/users', { firstName: 'Tony', lastName: 'Hoare' });
    expect((await call(user.app, 'PUT', `/v1/users/${u.id}`, { firstName: 'C', lastName: 'H' }, { 'if-match': 'banana' })).status).toBe(400);
  });
});

test('health is UP', async () => {
  const res = await call(user.app, 'GET', '/actuator/health');
  expect(res).toMatchObject({ status: 200, body: { status: 'UP' } });
});

test('the OpenAPI document describes bodies as read, also after requests compiled their validators', async () => {
  await call(user.app, 'PUT', '/v1/users/1', { firstName: 'A', lastName: 'B' });
  const doc = (await call(user.app, 'GET', '/swagger/json')).body;
  for (const op of [doc.paths['/v1/users'].post, doc.paths['/v1/users/{id}'].put]) {
    expect(Object.keys(op.requestBody.content)).toEqual(['application/json']);
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).toBe(true);
    expect(schema.properties.firstName).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
  }
});

test('unknown route is a 404 problem', async () => {
  const res = await call(user.app, 'GET', '/nope');
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
});

test('an undeclared method on a declared path is a 405 problem with Allow, and changes nothing', async () => {
  const before = await countUsers();
  const list = await call(user.app, 'DELETE', '/v1/users');
  expect(list.status).toBe(405);
  expect(list.headers.get('allow')).toBe('GET, HEAD, POST');
  expect(list.headers.get('content-type')).toBe('application/problem+json');
  const one = await call(user.app, 'PATCH', '/v1/users/1', { firstName: 'P' });
  expect(one.status).toBe(405);
  expect(one.headers.get('allow')).toBe('DELETE, GET, HEAD, PUT');
  expect(await countUsers()).toBe(before);
});

test.each(['0x1', '1e0', '01', '+1'])('user id %s is a 400 naming the parameter', async (id) => {
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const res = await call(user.app, method, `/v1/users/${encodeURIComponent(id)}`, method === 'PUT' ? { firstName: 'A', lastName: 'B' } : undefined);
    expect(res.status).toBe(400);
    expect(res.body.detail).toStartWith('parameter id: expected a plain decimal integer');
  }
});

describe('DELETE /v1/users/:id', () => {
  test('erases: 204 with a token, UserErased published, then 410 for every read and command, and a second erasure', async () => {
    const created = await call(user.app, 'POST', '/v1/users', { firstName: 'Zelda', lastName: 'Forgotten' });
    const id = created.body.id;
    expect((await call(user.app, 'GET', `/v1/users?name=Zelda`)).body.map((u: any) => u.id)).toContain(id);
    const erased = await call(user.app, 'DELETE', `/v1/users/${id}`);
    expect(erased.status).toBe(204);
    expect(erased.headers.get('consistency-token')).toBeTruthy();
    await Bun.sleep(20);
    expect(published.filter((e) => e.streamId === `user-${id}`).map((e) => [e.type, e.streamVersion])).toEqual([['UserCreated', 1], ['UserErased', 2]]);
    for (const [method, body] of [['GET', undefined], ['PUT', { firstName: 'Z', lastName: 'F' }], ['DELETE', undefined]] as const) {
      const res = await call(user.app, method, `/v1/users/${id}`, body);
      expect(res.status).toBe(410);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.detail).toBe(`user ${id} was erased`);
    }
    expect((await call(user.app, 'GET', `/v1/users?name=Zelda`)).body).toEqual([]);
    expect(JSON.stringify((await database.db.execute(`select * from users where id = ${id}` as any) as any).rows)).not.toContain('Zelda');
  });

  test('an id never created is a 404 and changes nothing', async () => {
    const before = published.length;
    const res = await call(user.app, 'DELETE', '/v1/users/987654');
    expect(res.status).toBe(404);
    await Bun.sleep(20);
    expect(published.length).toBe(before);
  });

  test('the read-model check accepts the tombstone, and the name index forgets the user after a restart', async () => {
    const created = await call(user.app, 'POST', '/v1/users', { firstName: 'Quentin', lastName: 'Quit' });
    await call(user.app, 'DELETE', `/v1/users/${created.body.id}`);
    const again = createUserModule({ masterKey: testMasterKey, database, bus: new InProcessBus(), clock: systemClock, log: silentLogger });
    await again.connect();
    expect((await call(again.app, 'GET', '/v1/users?name=Quentin')).body).toEqual([]);
    expect((await call(again.app, 'GET', `/v1/users/${created.body.id}`)).status).toBe(410);
    await again.stop();
  });
});
