import { afterAll, beforeAll, expect, test } from 'bun:test';
import { systemClock } from '../../platform/clock';
import { openEmbeddedDatabase } from '../../platform/db/embedded';
import type { Database } from '../../platform/db/database';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { createUserModule, userMigrationsFolder } from './index';
import { testMasterKey } from '../../../test/kits/user-keys';

/**
 * The Kubernetes probes' two groups, with the database gone (closed here; the same holds for a
 * PostgreSQL out of reach): the pod stays alive, and leaves its Service until the database is back.
 */
let database: Database;
let user: ReturnType<typeof createUserModule>;

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  user = createUserModule({ masterKey: testMasterKey, database, bus: new InProcessBus(), clock: systemClock, log: silentLogger });
});
afterAll(() => user.stop());

test('liveness and readiness are UP with the database; both are in the OpenAPI document', async () => {
  for (const path of ['/actuator/health', '/actuator/health/liveness', '/actuator/health/readiness']) {
    expect({ path, ...(await call(user.app, 'GET', path)) }).toMatchObject({ path, status: 200, body: { status: 'UP' } });
  }
  const doc = (await call(user.app, 'GET', '/swagger/json')).body;
  for (const group of ['liveness', 'readiness']) expect(Object.keys(doc.paths[`/actuator/health/${group}`].get.responses).sort()).toEqual(['200', '503']);
});

test('without the database: liveness stays UP (no restart), readiness and health are DOWN', async () => {
  await database.close();
  expect(await call(user.app, 'GET', '/actuator/health/liveness')).toMatchObject({ status: 200, body: { status: 'UP' } });
  expect(await call(user.app, 'GET', '/actuator/health/readiness')).toMatchObject({ status: 503, body: { status: 'DOWN' } });
  expect(await call(user.app, 'GET', '/actuator/health')).toMatchObject({ status: 503, body: { status: 'DOWN' } });
});
