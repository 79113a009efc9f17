import { afterAll, beforeAll, expect, test } from 'bun:test';
import { systemClock } from '../../../platform/clock';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import type { Database } from '../../../platform/db/database';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { silentLogger } from '../../../platform/log';
import { call } from '../../../../test/kits/http';
import { createUserModule, userMigrationsFolder } from '../index';

let database: Database;
let user: ReturnType<typeof createUserModule>;
const bus = new InProcessBus();

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  user = createUserModule({ database, bus, clock: systemClock, log: silentLogger });
  await user.connect();
}, 60_000);
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
  const again = createUserModule({ database, bus, clock: systemClock, log: silentLogger });
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
