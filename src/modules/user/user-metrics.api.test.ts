import { afterAll, beforeAll, expect, test } from 'bun:test';
import { systemClock } from '../../platform/clock';
import type { Database } from '../../platform/db/database';
import { openEmbeddedDatabase } from '../../platform/db/embedded';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { silentLogger } from '../../platform/log';
import { parseExposition, sumOf } from '../../platform/metrics/exposition';
import { Metrics } from '../../platform/metrics/metrics';
import { call } from '../../../test/kits/http';
import { eventually } from '../../../test/kits/processes';
import { createUserModule, userMigrationsFolder } from './index';
import { testMasterKey } from '../../../test/kits/user-keys';

/** What the user service reports on /metrics after real commands. */
let database: Database;
let user: ReturnType<typeof createUserModule>;
const metrics = new Metrics({ service: 'user' });
const scrape = async () => parseExposition((await call(user.app, 'GET', '/metrics')).body);

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  user = createUserModule({ masterKey: testMasterKey, database, bus: new InProcessBus(), clock: systemClock, log: silentLogger, metrics });
  user.start();
});
afterAll(async () => {
  await user.stop();
  await database.close();
});

test('commands by outcome, appended and published events, outbox backlog and user count', async () => {
  const before = await scrape();
  expect(sumOf(before, 'commands_total', { command: 'UpdateUser', outcome: 'conflict' })).toBe(0); // present from the start

  const created = await call(user.app, 'POST', '/v1/users', { firstName: 'Ada', lastName: 'Lovelace' });
  await call(user.app, 'POST', '/v1/users', { firstName: 'Alan', lastName: 'Turing' });
  await call(user.app, 'PUT', '/v1/users/999', { firstName: 'No', lastName: 'One' });
  await call(user.app, 'PUT', `/v1/users/${created.body.id}`, { id: 12345, firstName: 'Ada', lastName: 'King' });
  await call(user.app, 'PUT', `/v1/users/${created.body.id}`, { firstName: 'Ada', lastName: 'King' }, { 'if-match': '"7"' });

  await eventually('the relay published both events', async () => sumOf(await scrape(), 'events_published_total', { topic: 'user-events' }) === 2);
  await Bun.sleep(10); // Elysia records the last requests in a setImmediate
  const s = await scrape();
  const commands = (command: string, outcome: string) => sumOf(s, 'commands_total', { command, outcome, service: 'user' });
  expect(commands('CreateUser', 'accepted')).toBe(2);
  expect(commands('UpdateUser', 'not-found')).toBe(1);
  expect(commands('UpdateUser', 'invalid')).toBe(1);
  expect(commands('UpdateUser', 'stale')).toBe(1);
  expect(sumOf(s, 'events_appended_total', { type: 'UserCreated' })).toBe(2);
  expect(sumOf(s, 'events_appended_total', { type: 'UserUpdated' })).toBe(0);
  expect(sumOf(s, 'outbox_backlog')).toBe(0);
  expect(sumOf(s, 'domain_users')).toBe(2);
  expect(sumOf(s, 'http_server_request_duration_seconds_count', { route: '/v1/users/:id', method: 'PUT', status: '412' })).toBe(1);
});
