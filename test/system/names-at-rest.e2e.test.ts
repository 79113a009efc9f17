import { afterAll, describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { recommendationMigrationsFolder } from '../../src/modules/recommendation';
import { userMigrationsFolder } from '../../src/modules/user';
import { eventually, tempDir } from '../kits/processes';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/**
 * Names stay with the user service: the recommendation service answers with them but keeps none at
 * rest. Users get names no other text has; after the answers showed them, every row of every table
 * of the recommendation database, and every byte of its data directory, is searched for them.
 */
const dataDir = tempDir('names-at-rest-');
const env = systemEnv(dataDir);
let system: System;
afterAll(() => system?.process.proc.kill('SIGKILL'));

const marker = () => `Nm${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
const names = { ada: [marker(), marker()], bob: [marker(), marker()], cy: [marker(), marker()], cyRenamed: [marker(), marker()] };
const markers = Object.values(names).flat();
const ids = { ada: 0, bob: 0, cy: 0 };
let beforeRename = '';

const recommended = async (token?: string) =>
  (await system.api('GET', `/recommendation/v1/users/${ids.ada}/commands/recommendFriends`, undefined, token ? { 'Consistency-Token': token } : {})).body;
const named = (user: { firstName: string | null; lastName: string | null }) => [user.firstName, user.lastName];

/** Every row of every table outside the catalogs, as text; bytes read as Latin-1 so that text in them shows. */
async function everyRow(store: string, migrationsFolder: string): Promise<{ tables: string[]; text: string }> {
  const database = await openEmbeddedDatabase({ dataDir: join(dataDir, store), migrationsFolder, label: store });
  try {
    const tables = rowsOf<{ name: string }>(await database.db.execute(sql`
      select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE' order by 1`)).map((t) => t.name);
    const dumps: string[] = [];
    for (const table of tables) {
      const rows = rowsOf(await database.db.execute(sql.raw(`select * from ${table}`)));
      dumps.push(`${table}: ${JSON.stringify(rows, (_key, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v))}`);
    }
    return { tables, text: dumps.join('\n') };
  } finally {
    await database.close();
  }
}

/** The markers found in any file under `dir`, searched as bytes (UTF-8, as the names were sent). */
function markersInFiles(dir: string): string[] {
  const found = new Set<string>();
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) return readdirSync(path).forEach((name) => walk(join(path, name)));
    const bytes = readFileSync(path);
    for (const m of markers) if (bytes.includes(m)) found.add(`${m} in ${path}`);
  };
  walk(dir);
  return [...found];
}

describe('names at rest, in the all-in-one', () => {
  test('answers show current names, read from the user service', async () => {
    system = await startSystem(env);
    for (const key of ['ada', 'bob', 'cy'] as const) {
      const [firstName, lastName] = names[key];
      ids[key] = (await system.api('POST', '/user/v1/users', { firstName, lastName })).body.id;
    }
    for (const [a, b] of [[ids.ada, ids.bob], [ids.bob, ids.cy]]) {
      expect((await system.api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${b}`)).status).toBe(201);
    }
    await eventually('the graph to recommend cy to ada', async () => (await recommended()).length === 1, 10_000);
    expect(named((await recommended())[0].user)).toEqual(names.cy);
    beforeRename = new Date().toISOString();
    await Bun.sleep(5);

    const [firstName, lastName] = names.cyRenamed;
    const renamed = await system.api('PUT', `/user/v1/users/${ids.cy}`, { firstName, lastName });
    expect(renamed.status).toBe(200);
    // With the rename's token, the answer waits for the graph to apply it, and so reads the new name.
    expect(named((await recommended(renamed.headers.get('consistency-token')!))[0].user)).toEqual(names.cyRenamed);
    const mutual = await system.api('GET', `/recommendation/v1/users/${ids.ada}/commands/findMutualFriends?friendId=${ids.cy}`);
    expect(mutual.body.map(named)).toEqual([names.bob]);
    // The past has no names of its own: an answer as of before the rename shows the current name.
    const past = await system.api('GET', `/recommendation/v1/users/${ids.ada}/commands/recommendFriends?asOf=${encodeURIComponent(beforeRename)}`);
    expect(past.body.map((r: any) => named(r.user))).toEqual([names.cyRenamed]);
  }, 120_000);

  test('no name is in any table of the recommendation database, nor in any file of its data directory', async () => {
    expect(await system.process.stop()).toBe(0);
    const recommendation = await everyRow('recommendation', recommendationMigrationsFolder);
    // Not a vacuous search: the log holds the users' events, and the user service's tables the names.
    expect(recommendation.tables).toContain('public.received_events');
    expect(recommendation.text).toContain(`user-${ids.cy}`);
    expect((await everyRow('user', userMigrationsFolder)).text).toContain(names.cyRenamed[0]!);
    expect(markers.filter((m) => recommendation.text.includes(m))).toEqual([]);
    expect(markersInFiles(join(dataDir, 'recommendation'))).toEqual([]);
  }, 120_000);

  test('after a restart (graph rebuilt from the log), answers still show the names', async () => {
    system = await startSystem(env);
    await eventually('cy recommended to ada, with the current name', async () => {
      const recs = await recommended();
      return recs.length === 1 && JSON.stringify(named(recs[0].user)) === JSON.stringify(names.cyRenamed);
    }, 10_000);
    expect(await system.process.stop()).toBe(0);
  }, 120_000);
});
