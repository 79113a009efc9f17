import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { systemClock } from '../../../platform/clock';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import type { Database } from '../../../platform/db/database';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { silentLogger } from '../../../platform/log';
import { call } from '../../../../test/kits/http';
import { CONSISTENCY_TOKEN_HEADER, encodeToken } from '../../../platform/consistency/token';
import { createUserModule, userMigrationsFolder } from '../index';
import { testMasterKey } from '../../../../test/kits/user-keys';

let database: Database;
let user: ReturnType<typeof createUserModule>;
const bus = new InProcessBus();

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  user = createUserModule({ masterKey: testMasterKey, database, bus, clock: systemClock, log: silentLogger, consistency: WAIT });
  await user.connect();
}, 60_000);

/** Short, so the timeout path is quick to show. */
const WAIT = { waitMs: 300, maxWaiters: 10 };
afterAll(async () => {
  await user.stop();
  await database.close();
});

test('finds users created and renamed through the API', async () => {
  const ada = (await call(user.app, 'POST', '/v1/users', { firstName: 'Ada', lastName: 'Lovelace' })).body;
  await call(user.app, 'POST', '/v1/users', { firstName: 'Alan', lastName: 'Turing' });
  expect((await call(user.app, 'GET', '/v1/users?name=a')).body.map((u: any) => u.firstName)).toEqual(['Ada', 'Alan']);
  expect((await call(user.app, 'GET', '/v1/users?name=LOVE&limit=1')).body).toEqual([ada]);
  await call(user.app, 'PUT', `/v1/users/${ada.id}`, { firstName: 'Augusta', lastName: 'King' });
  expect((await call(user.app, 'GET', '/v1/users?name=love')).body).toEqual([]);
  expect((await call(user.app, 'GET', '/v1/users?name=king')).body.map((u: any) => u.id)).toEqual([ada.id]);
});

test('a module started on an existing database finds the users already there', async () => {
  const again = createUserModule({ masterKey: testMasterKey, database, bus, clock: systemClock, log: silentLogger });
  await again.connect();
  expect((await call(again.app, 'GET', '/v1/users?name=turing')).body.map((u: any) => u.lastName)).toEqual(['Turing']);
  await again.stop();
});

test('bad input is a 400 problem', async () => {
  for (const path of ['/v1/users', '/v1/users?name=', '/v1/users?name=a&limit=0', '/v1/users?name=a&limit=1001']) {
    const res = await call(user.app, 'GET', path);
    expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 400, type: expect.stringContaining('application/problem+json') });
  }
});

describe('Consistency-Token', () => {
  const token = (reply: { headers: Headers }) => ({ [CONSISTENCY_TOKEN_HEADER]: reply.headers.get(CONSISTENCY_TOKEN_HEADER)! });

  test("a write through another instance is found with its token, though this instance's index has not caught up", async () => {
    // Two instances on one database; neither is started, so no periodic catch-up runs.
    const other = createUserModule({ masterKey: testMasterKey, database, bus, clock: systemClock, log: silentLogger, consistency: WAIT });
    await other.connect();
    const created = await call(other.app, 'POST', '/v1/users', { firstName: 'Hedy', lastName: 'Lamarr' });
    expect((await call(user.app, 'GET', '/v1/users?name=lamarr')).body).toEqual([]); // the stale read exists
    const found = await call(user.app, 'GET', '/v1/users?name=lamarr', undefined, token(created));
    expect({ status: found.status, ids: found.body.map((u: any) => u.id) }).toEqual({ status: 200, ids: [created.body.id] });

    const renamed = await call(other.app, 'PUT', `/v1/users/${created.body.id}`, { firstName: 'Hedwig', lastName: 'Kiesler' });
    const after = await call(user.app, 'GET', '/v1/users?name=kiesler', undefined, token(renamed));
    expect(after.body.map((u: any) => u.firstName)).toEqual(['Hedwig']);
    await other.stop();
  });

  test('a token of this instance is answered at once', async () => {
    const created = await call(user.app, 'POST', '/v1/users', { firstName: 'Katherine', lastName: 'Johnson' });
    const found = await call(user.app, 'GET', '/v1/users?name=johnson', undefined, token(created));
    expect({ status: found.status, timing: found.headers.get('server-timing') }).toEqual({ status: 200, timing: null });
  });

  test('a malformed token is a 400 problem', async () => {
    const res = await call(user.app, 'GET', '/v1/users?name=a', undefined, { [CONSISTENCY_TOKEN_HEADER]: 'not a token!' });
    expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status: 400, type: expect.stringContaining('application/problem+json') });
    expect(res.body.detail).toContain(CONSISTENCY_TOKEN_HEADER);
  });

  test('a version the index never reaches is a 503 with Retry-After after the wait, never a stale 200', async () => {
    const started = performance.now();
    const res = await call(user.app, 'GET', '/v1/users?name=a', undefined, { [CONSISTENCY_TOKEN_HEADER]: encodeToken([['user-1', 99]]) });
    const ms = performance.now() - started;
    expect({ status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '1' });
    expect(ms).toBeGreaterThanOrEqual(WAIT.waitMs - 10);
  });
});
