import { afterAll, beforeAll, expect, test } from 'bun:test';
import { systemClock } from '../../../platform/clock';
import type { Database } from '../../../platform/db/database';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { createLocalFetch } from '../../../platform/http/local-fetch';
import { silentLogger } from '../../../platform/log';
import { call } from '../../../../test/kits/http';
import { UserServiceClient } from '../contracts/user-client';
import { createUserModule, userMigrationsFolder } from '../index';
import { testMasterKey } from '../../../../test/kits/user-keys';

/**
 * The client other modules use, against a real user module mounted on an in-process origin. The
 * locator is a fixed instance: discovery itself is tested elsewhere.
 */
const ORIGIN = 'http://user.test';
let database: Database;
let user: ReturnType<typeof createUserModule>;
const bus = new InProcessBus();
const local = createLocalFetch(async () => {
  throw new Error('unreachable');
});
let requests = 0;
const client = new UserServiceClient({ pick: async () => ({ instanceId: 'user-1', url: ORIGIN }) as never, invalidate: () => {} }, local.fetch);

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  user = createUserModule({ masterKey: testMasterKey, database, bus, clock: systemClock, log: silentLogger });
  await user.connect();
  local.mount(ORIGIN, (request) => (requests++, user.app.handle(request)));
});
afterAll(async () => {
  await user.stop();
  await bus.close();
  await database.close();
});

test('names() asks in slices that keep URLs short, and puts the answers together', async () => {
  const ids: number[] = [];
  for (let i = 0; i < 450; i++) ids.push((await call(user.app, 'POST', '/v1/users', { firstName: `F${i}`, lastName: `L${i}` })).body.id);
  await call(user.app, 'DELETE', `/v1/users/${ids[300]}`);
  requests = 0;
  const answer = await client.names([...ids, 999_999]);
  expect(requests).toBe(3);
  expect(answer.users).toHaveLength(449);
  expect(answer.users[0]).toEqual({ id: ids[0]!, firstName: 'F0', lastName: 'L0', version: 1 });
  expect(answer.users.at(-1)).toEqual({ id: ids[449]!, firstName: 'F449', lastName: 'L449', version: 1 });
  expect(answer.erased).toEqual([ids[300]!]);
});

test('exists() says whether a user was created; an erased one is a 410, an unreachable service a 503', async () => {
  const id = (await call(user.app, 'POST', '/v1/users', { firstName: 'A', lastName: 'B' })).body.id;
  expect(await client.exists(id)).toBe(true);
  expect(await client.exists(999_998)).toBe(false);
  await call(user.app, 'DELETE', `/v1/users/${id}`);
  expect(await client.exists(id).catch((e) => e.kind)).toBe('gone');
  local.unmount(ORIGIN);
  expect(await client.names([id]).catch((e) => e.kind)).toBe('unavailable');
});
