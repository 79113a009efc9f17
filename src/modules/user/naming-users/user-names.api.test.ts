import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { systemClock } from '../../../platform/clock';
import type { Database } from '../../../platform/db/database';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { silentLogger } from '../../../platform/log';
import { call } from '../../../../test/kits/http';
import { MAX_NAMED_USERS, userPaths } from '../contracts/http';
import { createUserModule, userMigrationsFolder } from '../index';
import { testMasterKey } from '../../../../test/kits/user-keys';

let database: Database;
let user: ReturnType<typeof createUserModule>;
const bus = new InProcessBus();

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  user = createUserModule({ masterKey: testMasterKey, database, bus, clock: systemClock, log: silentLogger });
  await user.connect();
});
afterAll(async () => {
  await user.stop();
  await bus.close();
  await database.close();
});

const create = async (firstName: string, lastName: string) => (await call(user.app, 'POST', '/v1/users', { firstName, lastName })).body.id as number;

describe('GET /v1/user-names', () => {
  test('names the users asked about, in that order, with their versions; erased ones apart; unknown ids left out', async () => {
    const ada = await create('Ada', 'Lovelace');
    const alan = await create('Alan', 'Turing');
    const erin = await create('Erin', 'Gone');
    await call(user.app, 'PUT', `/v1/users/${alan}`, { firstName: 'Alan', lastName: 'M. Turing' });
    expect((await call(user.app, 'DELETE', `/v1/users/${erin}`)).status).toBe(204);
    const res = await call(user.app, 'GET', userPaths.names([alan, 999_999, erin, ada, alan]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      users: [
        { id: alan, firstName: 'Alan', lastName: 'M. Turing', version: 2 },
        { id: ada, firstName: 'Ada', lastName: 'Lovelace', version: 1 },
      ],
      erased: [erin],
    });
  });

  test.each([
    ['no ids', '/v1/user-names', 'ids'],
    ['an empty list', '/v1/user-names?ids=', 'ids'],
    ['a word', '/v1/user-names?ids=1,abc', 'ids'],
    ['id 0', '/v1/user-names?ids=0,1', 'expected comma-separated user ids'],
    ['a leading zero', '/v1/user-names?ids=01', 'expected comma-separated user ids'],
    ['an id out of range', '/v1/user-names?ids=2147483648', 'expected comma-separated user ids'],
    ['too many ids', userPaths.names(Array.from({ length: MAX_NAMED_USERS + 1 }, (_, i) => i + 1)), `at most ${MAX_NAMED_USERS}`],
  ])('%s is a 400 problem', async (_what, path, says) => {
    const res = await call(user.app, 'GET', path);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toStartWith('application/problem+json');
    expect(res.body.detail).toContain(says);
  });
});
