import { afterAll, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { join } from 'node:path';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { rowsOf } from '../../src/platform/db/database';
import { eventually, tempDir } from '../kits/processes';
import { friendMigrationsFolder } from '../../src/modules/friend';
import { recommendationMigrationsFolder } from '../../src/modules/recommendation';
import { userMigrationsFolder } from '../../src/modules/user';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/**
 * No acknowledged event is lost, none is applied twice: commands are acknowledged while the relay
 * holds every event in the outbox, the process is SIGKILLed, and after a restart each event
 * reaches the recommendation log exactly once and the graph shows all of them.
 */
const dataDir = tempDir('crash-');
let system: System | undefined;
afterAll(() => system?.process.proc.kill('SIGKILL'));

async function count(module: string, migrationsFolder: string, query: string): Promise<number> {
  const database = await openEmbeddedDatabase({ dataDir: join(dataDir, module), migrationsFolder, label: module });
  try {
    return Number(rowsOf<{ n: number }>(await database.db.execute(sql.raw(query)))[0]!.n);
  } finally {
    await database.close();
  }
}

test('SIGKILL before the relay delivered: after restart every acknowledged event reaches the graph exactly once', async () => {
  const env = systemEnv(dataDir);
  system = await startSystem({ ...env, OUTBOX_RELAY_PAUSED: 'true' });
  const ids: number[] = [];
  for (let i = 0; i < 8; i++) {
    const res = await system.api('POST', '/user/v1/users', { firstName: `User${i}`, lastName: 'Crash' });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  // A ring plus chords, then one removal: every friendship command below is acknowledged.
  const pairs = ids.map((id, i) => [id, ids[(i + 1) % ids.length]!]).concat([[ids[0]!, ids[4]!], [ids[2]!, ids[6]!]]);
  for (const [a, b] of pairs) expect((await system.api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${b}`)).status).toBe(201);
  expect((await system.api('POST', `/friend/v1/users/${ids[0]}/commands/removeFriend?friendId=${ids[1]}`)).status).toBe(204);
  const acknowledged = ids.length + pairs.length + 1;
  await system.process.crash();

  expect(await count('user', userMigrationsFolder, 'select count(*) as n from outbox')).toBe(ids.length);
  expect(await count('friend', friendMigrationsFolder, 'select count(*) as n from outbox')).toBe(pairs.length + 1);
  expect(await count('recommendation', recommendationMigrationsFolder, 'select count(*) as n from received_events')).toBe(0);

  system = await startSystem(env);
  const live = (a: number, b: number) => !(a === ids[0] && b === ids[1]) && !(a === ids[1] && b === ids[0]);
  const friendsOf = (u: number) => new Set(pairs.filter(([a, b]) => live(a!, b!) && (a === u || b === u)).map(([a, b]) => (a === u ? b! : a!)));
  const expected = (u: number) => {
    const weights = new Map<number, number>();
    for (const f of friendsOf(u)) for (const g of friendsOf(f)) if (g !== u && !friendsOf(u).has(g)) weights.set(g, (weights.get(g) ?? 0) + 1);
    return [...weights].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  };
  await eventually('the graph to show every acknowledged command', async () => {
    for (const u of ids) {
      const res = await system!.api('GET', `/recommendation/v1/users/${u}/commands/recommendFriends`);
      if (JSON.stringify(res.body.map((r: any) => [r.user.id, r.weight])) !== JSON.stringify(expected(u))) return false;
    }
    return true;
  }, 15_000);
  expect(await system.process.stop()).toBe(0);

  const received = 'select count(*) as n from received_events';
  const distinct = 'select count(distinct event_id) as n from received_events';
  expect(await count('recommendation', recommendationMigrationsFolder, received)).toBe(acknowledged);
  expect(await count('recommendation', recommendationMigrationsFolder, distinct)).toBe(acknowledged);
  expect(await count('user', userMigrationsFolder, 'select count(*) as n from outbox')).toBe(0);
  expect(await count('friend', friendMigrationsFolder, 'select count(*) as n from outbox')).toBe(0);
});
