import { systemClock } from '../../../src/platform/clock';
import { openEmbeddedDatabase } from '../../../src/platform/db/embedded';
import type { EventBus } from '../../../src/platform/events/bus';
import { silentLogger } from '../../../src/platform/log';
import { userPaths, type User } from '../../../src/modules/user/contracts/http';
import { createUserModule, userMigrationsFolder } from '../../../src/modules/user';
import type { NameSource } from '../../../src/modules/recommendation/naming-users/user-namer';
import { call } from '../http';
import { testMasterKey } from '../user-keys';

/**
 * A real user module in this process, for recommendation tests that need names: `names` asks its
 * HTTP contract (through `app.handle`, no socket) and can be cut off to play an outage. Started, it
 * publishes its events on `bus` like the all-in-one does.
 */
export async function startUserService(bus: EventBus, { publish = false } = {}) {
  const database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
  const user = createUserModule({ masterKey: testMasterKey, database, bus, clock: systemClock, log: silentLogger });
  await user.connect();
  if (publish) user.start();
  let reachable = true;
  let calls = 0;
  const names: NameSource = async (ids) => {
    calls++;
    if (!reachable) throw new Error('the user service did not answer');
    const res = await call(user.app, 'GET', userPaths.names(ids));
    if (res.status !== 200) throw new Error(`the user service answered ${res.status}`);
    return res.body;
  };
  return {
    user,
    names,
    /** Look-ups made so far, answered or not. */
    calls: () => calls,
    reachable: (on: boolean) => void (reachable = on),
    create: async (firstName: string, lastName: string) => {
      const res = await call<User>(user.app, 'POST', '/v1/users', { firstName, lastName });
      return { ...res.body, token: res.headers.get('consistency-token')! };
    },
    rename: async (id: number, firstName: string, lastName: string) => {
      const res = await call<User>(user.app, 'PUT', `/v1/users/${id}`, { firstName, lastName });
      return { ...res.body, token: res.headers.get('consistency-token')! };
    },
    erase: async (id: number) => (await call(user.app, 'DELETE', `/v1/users/${id}`)).headers.get('consistency-token'),
    close: async () => {
      await user.stop();
      await database.close();
    },
  };
}
