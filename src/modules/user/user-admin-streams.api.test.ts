import { afterAll, beforeAll, expect, test } from 'bun:test';
import { systemClock } from '../../platform/clock';
import { openEmbeddedDatabase } from '../../platform/db/embedded';
import type { Database } from '../../platform/db/database';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { createUserModule, userMigrationsFolder } from './index';
import { testMasterKey } from '../../../test/kits/user-keys';

const TOKEN = 'z'.repeat(32);
let database: Database;
let user: ReturnType<typeof createUserModule>;

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  user = createUserModule({ masterKey: testMasterKey, database, bus: new InProcessBus(), clock: systemClock, log: silentLogger, admin: { token: TOKEN, openWithoutToken: false } });
});
afterAll(() => user.stop());

test('GET /admin/streams lists stream heads page by page, only with the ADMIN_TOKEN bearer', async () => {
  for (const name of ['Ada', 'Grace', 'Alan']) await call(user.app, 'POST', '/v1/users', { firstName: name, lastName: 'X' });
  await call(user.app, 'PUT', '/v1/users/1', { id: 1, firstName: 'Ada', lastName: 'Lovelace' });
  expect((await call(user.app, 'GET', '/admin/streams')).status).toBe(401);
  const auth = { authorization: `Bearer ${TOKEN}` };
  const first = await call(user.app, 'GET', '/admin/streams?limit=2', undefined, auth);
  expect(first.body).toEqual({ streams: [{ streamId: 'user-1', version: 2 }, { streamId: 'user-2', version: 1 }], next: 'user-2' });
  const rest = await call(user.app, 'GET', `/admin/streams?limit=2&after=${first.body.next}`, undefined, auth);
  expect(rest.body).toEqual({ streams: [{ streamId: 'user-3', version: 1 }], next: null });
  const doc = await call(user.app, 'GET', '/swagger/json');
  expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
});
