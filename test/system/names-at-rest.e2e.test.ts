import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { friendMigrationsFolder } from '../../src/modules/friend';
import { recommendationMigrationsFolder } from '../../src/modules/recommendation';
import { userMigrationsFolder } from '../../src/modules/user';
import { filesHolding, markersIn, markersInFiles, newMarker } from '../kits/markers';
import { eventually, tempDir } from '../kits/processes';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/**
 * A person's names are at rest nowhere in plaintext: users get names no other text has, and once
 * the answers showed them, every byte of every file of the data directory (the three modules'
 * PGlite directories with their write-ahead logs, the master key file, everything) is searched for
 * them. After one user is erased, no answer shows that user's names, the files are searched again,
 * and the user's wrapped key is gone from the key table's file.
 */
const dataDir = tempDir('names-at-rest-');
// Unset (an engine environment may set it): the all-in-one then makes its key in the data directory.
const env = systemEnv(dataDir, { PII_MASTER_KEY: '' });
let system: System;
// Every system this file started: a failed test must not leave one holding the data directory.
const started: System[] = [];
const start = async () => {
  system = await startSystem(env);
  started.push(system);
};
afterAll(() => started.forEach((s) => s.process.proc.exitCode === null && s.process.proc.kill('SIGKILL')));

const markerOf = { ada: [newMarker('Nm'), newMarker('Nm')], bob: [newMarker('Nm'), newMarker('Nm')], cy: [newMarker('Nm'), newMarker('Nm')], cyRenamed: [newMarker('Nm'), newMarker('Nm')] };
// A non-ASCII letter after the marker, so that names a store escaped or re-encoded are found too (see markers.ts).
const names = Object.fromEntries(Object.entries(markerOf).map(([who, [first, last]]) => [who, [`${first}ë`, `${last}Ø`]])) as Record<keyof typeof markerOf, string[]>;
const markers = Object.values(markerOf).flat();
const cyMarkers = [...markerOf.cy, ...markerOf.cyRenamed];
const ids = { ada: 0, bob: 0, cy: 0 };
let beforeRename = '';
let cyWrappedKey: Uint8Array;

const recommended = async (token?: string) =>
  (await system.api('GET', `/recommendation/v1/users/${ids.ada}/commands/recommendFriends`, undefined, token ? { 'Consistency-Token': token } : {})).body;
const named = (user: { firstName: string | null; lastName: string | null }) => [user.firstName, user.lastName];

/** Runs `read` on one module's database of the stopped system. */
async function withStore<T>(store: string, migrationsFolder: string, read: (query: <R>(text: string) => Promise<R[]>) => Promise<T>): Promise<T> {
  const database = await openEmbeddedDatabase({ dataDir: join(dataDir, store), migrationsFolder, label: store });
  try {
    return await read(async (text) => rowsOf(await database.db.execute(sql.raw(text))));
  } finally {
    await database.close();
  }
}

/** Every row of every table outside the catalogs, as text; bytes read as Latin-1 so that text in them shows. */
const everyRow = (store: string, migrationsFolder: string) =>
  withStore(store, migrationsFolder, async (query) => {
    const tables = (await query<{ name: string }>(`
      select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE' order by 1`)).map((t) => t.name);
    const dumps: string[] = [];
    for (const table of tables) {
      dumps.push(`${table}: ${JSON.stringify(await query(`select * from ${table}`), (_key, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v))}`);
    }
    return { tables, text: dumps.join('\n') };
  });

describe('names at rest, in the all-in-one', () => {
  test('answers show current names, read from the user service', async () => {
    await start();
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
    expect(named((await system.api('GET', `/user/v1/users/${ids.cy}`)).body)).toEqual(names.cyRenamed);
  }, 120_000);

  test('no name is in any file of the data directory, nor in any row of the recommendation database', async () => {
    expect(await system.process.stop()).toBe(0);
    // Not a vacuous search: the same scan finds what the stores do hold (the users' streams, their sealed names).
    const user = await everyRow('user', userMigrationsFolder);
    expect(user.tables).toEqual(expect.arrayContaining(['public.events', 'public.outbox', 'public.users', 'public.user_keys']));
    const sealed = (await withStore('user', userMigrationsFolder, (query) => query<{ sealed_names: string }>(`select sealed_names from users where id = ${ids.cy}`)))[0]!.sealed_names;
    expect(filesHolding(dataDir, Buffer.from(sealed)).length).toBeGreaterThan(0);
    expect(filesHolding(join(dataDir, 'recommendation'), Buffer.from(`user-${ids.cy}`)).length).toBeGreaterThan(0);

    expect(markersIn(Buffer.from(user.text), markers)).toEqual([]);
    const recommendation = await everyRow('recommendation', recommendationMigrationsFolder);
    expect(recommendation.tables).toContain('public.received_events');
    expect(recommendation.text).toContain(`user-${ids.cy}`);
    expect(markersIn(Buffer.from(recommendation.text), markers)).toEqual([]);
    expect(markersIn(Buffer.from((await everyRow('friend', friendMigrationsFolder)).text), markers)).toEqual([]);
    expect(existsSync(join(dataDir, 'pii-master-key'))).toBe(true);
    expect(markersInFiles(dataDir, markers)).toEqual([]);
    // Nor in what the processes logged (a log is kept too, wherever it is shipped).
    expect(markersIn(Buffer.from(system.process.output()), markers)).toEqual([]);

    cyWrappedKey = (await withStore('user', userMigrationsFolder, (query) => query<{ wrapped: Uint8Array }>(`select wrapped from user_keys where user_id = ${ids.cy}`)))[0]!.wrapped;
    expect(cyWrappedKey.byteLength).toBeGreaterThan(64);
  }, 120_000);

  test('after a restart (graph rebuilt from the log), answers still show the names', async () => {
    await start();
    await eventually('cy recommended to ada, with the current name', async () => {
      const recs = await recommended();
      return recs.length === 1 && JSON.stringify(named(recs[0].user)) === JSON.stringify(names.cyRenamed);
    }, 10_000);
    const found = await system.api('GET', `/user/v1/users?name=${encodeURIComponent(markerOf.cyRenamed[0]!)}`);
    expect(found.body.map((u: { id: number }) => u.id)).toEqual([ids.cy]);
  }, 120_000);

  test('erased, a user is in no answer any more', async () => {
    const erased = await system.api('DELETE', `/user/v1/users/${ids.cy}`);
    expect(erased.status).toBe(204);
    const token = erased.headers.get('consistency-token');
    const withToken = token ? { 'Consistency-Token': token } : undefined;
    expect((await system.api('DELETE', `/user/v1/users/${ids.cy}`)).status).toBe(410);

    const answers: [string, { status: number; body: unknown }][] = [];
    const ask = async (path: string) => {
      const answer = await system.api('GET', path, undefined, withToken);
      answers.push([path, answer]);
      return answer;
    };
    expect((await ask(`/user/v1/users/${ids.cy}`)).status).toBe(410);
    // Without a token too: the instance that erased forgets the name at once.
    for (const marker of cyMarkers) expect((await system.api('GET', `/user/v1/users?name=${marker}`)).body).toEqual([]);
    for (const marker of cyMarkers) expect((await ask(`/user/v1/users?name=${marker}`)).body).toEqual([]);
    expect((await ask(`/user/v1/users?name=${ids.cy}`)).body).toEqual([]);
    expect((await ask(`/user/v1/user-names?ids=${ids.ada},${ids.bob},${ids.cy}`)).body).toMatchObject({ erased: [ids.cy] });
    await eventually('the friend service to end the erased user\'s friendships', async () => (await system.api('GET', `/friend/v1/users/${ids.bob}/friends`)).body.length === 1, 10_000);
    for (const who of [ids.ada, ids.bob, ids.cy]) await ask(`/friend/v1/users/${who}/friends`);
    await eventually('the graph to drop the erased user', async () => (await recommended()).length === 0, 10_000);
    for (const who of [ids.ada, ids.bob]) {
      await ask(`/recommendation/v1/users/${who}/commands/recommendFriends`);
      await ask(`/recommendation/v1/users/${who}/commands/recommendFriends?asOf=${encodeURIComponent(beforeRename)}`);
      await ask(`/recommendation/v1/users/${who}/commands/findMutualFriends?friendId=${ids.cy}`);
    }
    await ask(`/recommendation/v1/users/${ids.cy}/commands/recommendFriends`);
    const shown = answers.flatMap(([path, { body }]) => markersIn(Buffer.from(JSON.stringify(body ?? null)), markers).map((hit) => `${path}: ${hit}`));
    // The others are still shown: the search is not vacuous.
    expect(shown.every((hit) => !cyMarkers.some((m) => hit.includes(m)))).toBe(true);
    expect(shown.some((hit) => hit.includes(markerOf.ada[0]!) || hit.includes(markerOf.bob[0]!))).toBe(true);
    // Compaction of the key table runs about a second after the erasure; stopping runs a pending one at once.
    await Bun.sleep(1500);
    expect(await system.process.stop()).toBe(0);
  }, 120_000);

  test('after the erasure, no name is in any file, and the erased user\'s key is gone from the key table\'s file', async () => {
    expect(markersInFiles(dataDir, markers)).toEqual([]);
    expect(markersIn(Buffer.from(system.process.output()), markers)).toEqual([]);
    const userDir = join(dataDir, 'user');
    const [{ path }] = (await withStore('user', userMigrationsFolder, (query) => query<{ path: string }>(`select pg_relation_filepath('user_keys') as path`))) as [{ path: string }];
    expect(readFileSync(join(userDir, path)).byteLength).toBeGreaterThan(0);
    expect(readFileSync(join(userDir, path)).includes(cyWrappedKey)).toBe(false);
    // Nor in any other file of the data directory, its write-ahead log included: the all-in-one
    // keeps its master key there (pii-master-key), so a copy of it must not hold the key either.
    expect(filesHolding(dataDir, cyWrappedKey)).toEqual([]);
  }, 120_000);

  test('restarted, the others are still shown by name and the erased user is still gone', async () => {
    await start();
    const friends = await system.api('GET', `/friend/v1/users/${ids.bob}/friends`);
    expect(friends.body.map((f: { friendId: number }) => f.friendId)).toEqual([ids.ada]);
    expect((await system.api('GET', `/user/v1/users/${ids.cy}`)).status).toBe(410);
    expect(named((await system.api('GET', `/user/v1/users/${ids.ada}`)).body)).toEqual(names.ada);
    expect(await recommended()).toEqual([]);
    expect(await system.process.stop()).toBe(0);
  }, 120_000);
});
