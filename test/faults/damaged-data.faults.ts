import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../harness/distributed';
import { CommandLedger } from './command-ledger';
import { expectExactlyOnce } from './exactly-once';
import { requireEngines } from './fault-suite';

/**
 * The domain services restart on data that disagree with themselves, as after a bad restore or a
 * careless hand edit. Rows lost from a read model come back from the events, and the audit then
 * finds the read models equal to the stores folded; events lost from a store stop the start.
 */
describe('user and friend restarted on damaged data', () => {
  let cluster: Cluster;
  let ledger: CommandLedger;

  beforeAll(async () => {
    requireEngines('damaged-data.faults.ts');
    cluster = await startCluster({ friendInstances: 1 });
    ledger = new CommandLedger(cluster, `${cluster.namespace}-damage`);
  }, 120_000);
  afterAll(() => cluster?.close(), 120_000);

  const logOf = (name: string) => readFileSync(join(cluster.logDir, `${name}.log`), 'utf8');

  test('rows lost from the read models are rebuilt from the events at restart', () =>
    cluster.explain(async () => {
      const users = await ledger.createUsers(12, 'Damaged');
      for (const [i, u] of users.entries()) expect(await ledger.addFriend(u, users[(i + 1) % users.length]!)).toBe(201);
      expect(await ledger.removeFriend(users[1]!, users[0]!)).toBe(204);
      expect(await ledger.updateUser(users[3]!, 'Renamed', 'Damaged')).toBe(200);
      await Promise.all(['user', 'friend-1'].map((name) => cluster.kill(name, 'SIGTERM')));

      await cluster.query('user', `delete from users where id in (${users.slice(4, 8).join(',')})`);
      await cluster.query('user', `update users set version = 1, first_name = 'Stale' where id = ${users[3]}`);
      await cluster.query('friend', 'delete from friendships where id in (select id from friendships order by id limit 3)');
      await Promise.all(['user', 'friend-1'].map((name) => cluster.restart(name)));

      expect(logOf('user')).toContain('read model disagreed with the event store and was rebuilt from it');
      expect(logOf('friend-1')).toContain('read model disagreed with the event store and was rebuilt from it');
      const summary = await expectExactlyOnce(cluster, ledger);
      console.log(`read models repaired at restart: ${JSON.stringify(summary)}`);
    }), 200_000);

  test('events lost from the user store stop its start, naming the module and the database', () =>
    cluster.explain(async () => {
      const [victim] = await ledger.createUsers(1, 'Lost');
      await cluster.kill('user', 'SIGTERM');
      await cluster.query('user', `delete from events where stream_id = 'user-${victim}'`);
      const refused = await cluster.restart('user').then(() => undefined, (error: Error) => error);
      expect(refused?.message).toContain('exited with code 4');
      expect(logOf('user')).toMatch(/user: the event store in postgres:\/\/\S+ looks damaged: 1 users rows reflect events the store does not have/);
    }), 120_000);
});
