import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../../platform/db/database';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { silentLogger } from '../../../platform/log';
import { eventually, tempDir } from '../../../../test/kits/processes';
import { userMigrationsFolder } from '../index';
import { destroyKeys, KeyStore } from './key-store';
import { importMasterKey, newMasterKeyText } from './master-key';
import { openNames, sealNames } from './sealed-names';

/** On a data directory, not in memory: the point of erasure is what stays in the files. */
const dataDir = join(tempDir('key-store-'), 'user');
let database: Database;
const masterA = importMasterKey(newMasterKeyText());
const masterB = importMasterKey(newMasterKeyText());
const masterC = importMasterKey(newMasterKeyText());
const ada = { firstName: 'Ada', lastName: 'Lovelace' };
let nextId = 1;
const newUserId = () => nextId++;

beforeAll(async () => {
  database = await openEmbeddedDatabase({ dataDir, migrationsFolder: userMigrationsFolder, label: 'user' });
}, 60_000);
afterAll(() => database?.close());

const store = (options: ConstructorParameters<typeof KeyStore>[3] = {}, master = masterA) => new KeyStore(database.db, master, silentLogger, options);
const keyRow = async (userId: number) =>
  rowsOf<{ master_key_id: string; wrapped: Uint8Array }>(await database.db.execute(sql`select master_key_id, wrapped from user_keys where user_id = ${userId}`))[0];

/** The bytes of the key table's current file (after a checkpoint wrote its pages out). */
async function keyTableFile(): Promise<{ path: string; bytes: Buffer }> {
  await database.db.execute(sql`checkpoint`);
  const [{ path }] = rowsOf<{ path: string }>(await database.db.execute(sql`select pg_relation_filepath('user_keys') as path`)) as [{ path: string }];
  return { path, bytes: readFileSync(join(dataDir, path)) };
}

/** Every file under the data directory holding these bytes, relative to it. */
function filesHolding(needle: Uint8Array, dir = dataDir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesHolding(needle, path);
    return readFileSync(path).includes(needle) ? [path.slice(dataDir.length + 1)] : [];
  });
}

describe('the user key store', () => {
  test('a key made for a user is stored wrapped, and another instance reads it back and opens what it sealed', async () => {
    const id = newUserId();
    const key = await store().create(id);
    const { sealed } = sealNames(key, id, ada);
    const row = await keyRow(id);
    expect(row?.master_key_id).toBe(masterA.id);
    expect(row?.wrapped.byteLength).toBe(12 + 64 + 16);
    const fresh = store();
    const found = await fresh.get([id, 999_999]);
    expect([...found.keys()]).toEqual([id]);
    expect(openNames(found.get(id)!, id, sealed)).toEqual(ada);
  });

  test('keys asked for together are written together, each its own', async () => {
    const keys = store();
    const ids = [newUserId(), newUserId(), newUserId()];
    const made = await Promise.all(ids.map((id) => keys.create(id)));
    const sealed = ids.map((id, i) => sealNames(made[i]!, id, ada));
    const read = await store().get(ids);
    for (const [i, id] of ids.entries()) expect(openNames(read.get(id)!, id, sealed[i]!.sealed)).toEqual(ada);
    expect(() => openNames(read.get(ids[1]!)!, ids[0]!, sealed[0]!.sealed)).toThrow();
  });

  test('holds at most cacheSize keys in memory, the least recently used going first; forget drops one', async () => {
    const keys = store({ cacheSize: 2 });
    const [a, b, c] = [newUserId(), newUserId(), newUserId()];
    await keys.create(a);
    await keys.create(b);
    await keys.get([a]); // a is now the most recently used
    await keys.create(c);
    expect(keys.cached).toBe(2);
    const reader = store({ cacheSize: 2 });
    await reader.get([a, b, c], { cache: false });
    expect(reader.cached).toBe(0);
    keys.forget(c);
    expect(keys.cached).toBe(1);
    // Forgetting is of memory only: the row is still there.
    expect((await keys.get([c])).has(c)).toBe(true);
  });

  test('destroyed with its user, the key is gone from the store, and after compaction from the table file too', async () => {
    const keys = store();
    const id = newUserId();
    await keys.create(id);
    const { wrapped } = (await keyRow(id))!;
    // Not a vacuous search: before erasure, the table's file holds the wrapped key.
    expect((await keyTableFile()).bytes.includes(wrapped)).toBe(true);

    await database.db.transaction((tx) => destroyKeys(tx, [id]));
    keys.forget(id);
    expect((await keys.get([id])).size).toBe(0);
    expect(await keyRow(id)).toBeUndefined();
    // A deleted row is only marked dead: its bytes are still in the file until compaction.
    expect((await keyTableFile()).bytes.includes(wrapped)).toBe(true);

    const before = (await keyTableFile()).path;
    await keys.compactNow();
    const after = await keyTableFile();
    expect(after.path).not.toBe(before);
    expect(after.bytes.includes(wrapped)).toBe(false);
    // The old file is emptied at commit and removed by the next checkpoint (which keyTableFile ran).
    expect(existsSync(join(dataDir, before))).toBe(false);
    // The other users' keys were copied over.
    expect((await store().get([1])).has(1)).toBe(true);
    // And no table or index file of the database holds it (the write-ahead log is another matter: see below).
    expect(filesHolding(wrapped).filter((file) => !file.startsWith('pg_wal/'))).toEqual([]);
  });

  // The insert of the key row is in the write-ahead log. The all-in-one keeps the master key in the
  // same data directory, so the segment must go too: the compaction closes it and checkpoints, and
  // PGlite deletes segments rather than recycling them (pglite-settings.ts).
  test('an erased key is in no file of the data directory, its write-ahead log included', async () => {
    const keys = store({ ownsWriteAheadLog: true });
    const id = newUserId();
    await keys.create(id);
    const { wrapped } = (await keyRow(id))!;
    await database.db.transaction((tx) => destroyKeys(tx, [id]));
    await keys.compactNow();
    expect(filesHolding(wrapped)).toEqual([]);
  });

  test('compactSoon compacts once, a moment after a burst of erasures; stop runs a pending one at once', async () => {
    const keys = store({ compactAfterMs: 1000 });
    const path = async () => (await keyTableFile()).path;
    const start = await path();
    keys.compactSoon();
    keys.compactSoon();
    expect(await path()).toBe(start);
    await eventually('the key table to be compacted', async () => (await path()) !== start, 10_000);
    const once = await path();
    // The second call joined the first: no other rewrite follows.
    await Bun.sleep(1500);
    expect(await path()).toBe(once);
    const later = store({ compactAfterMs: 60_000 });
    later.compactSoon();
    await later.stop();
    expect(await path()).not.toBe(once);
  }, 30_000);

  test('after a rotation, keys wrapped with the previous master key are read, and rewrapped with the new one', async () => {
    const id = newUserId();
    const { sealed } = sealNames(await store({}, masterA).create(id), id, ada);
    const rotating = store({ previous: masterA }, masterB);
    expect(openNames((await rotating.get([id], { cache: false })).get(id)!, id, sealed)).toEqual(ada);
    const before = (await keyRow(id))!;
    expect(await rotating.rewrapPrevious(2)).toBeGreaterThanOrEqual(1);
    const after = (await keyRow(id))!;
    expect(after.master_key_id).toBe(masterB.id);
    expect(Buffer.from(after.wrapped).equals(Buffer.from(before.wrapped))).toBe(false);
    expect(rowsOf(await database.db.execute(sql`select 1 from user_keys where master_key_id = ${masterA.id}`))).toEqual([]);
    // Only the new key is needed now.
    expect(openNames((await store({}, masterB).get([id])).get(id)!, id, sealed)).toEqual(ada);
    expect(await rotating.rewrapPrevious()).toBe(0);
  });

  test('a key wrapped with a master key that is not configured is a clear error, not a wrong key', async () => {
    const id = newUserId();
    await store({}, masterB).create(id);
    const error = await store({ previous: masterA }, masterC).get([id]).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toBe(
      `the key of user ${id} is wrapped with master key ${masterB.id}, which is not configured (PII_MASTER_KEY, PII_PREVIOUS_MASTER_KEY)`,
    );
  });

  test('at start, keys wrapped with master keys not configured are refused, every such key named once', async () => {
    for (const master of [masterA, masterA, masterB, masterB, masterC]) await store({}, master).create(newUserId());
    const refusal = async (keys: KeyStore) => (await keys.checkMasterKeys().then(() => undefined, (e: unknown) => e as Error))?.message ?? '';
    const named = (message: string) => /wrapped with master key (.*), and this service/.exec(message)?.[1]?.split(', ').sort();
    expect(named(await refusal(store({}, masterA)))).toEqual([masterB.id, masterC.id].sort());
    expect(named(await refusal(store({ previous: masterB }, masterC)))).toEqual([masterA.id]);
  });

  test('ensure makes a key only for a user from before sealing who is not erased, once', async () => {
    const [legacy, erased, absent] = [newUserId(), newUserId(), newUserId()];
    const userRow = (id: number, first: string) =>
      database.db.execute(sql`insert into users (id, first_name, last_name, created_at, last_modified, version) values (${id}, ${first}, ${first}, now(), now(), 1)`);
    await userRow(legacy, 'Ada');
    await userRow(erased, '');
    const keys = store();
    const made = await keys.ensure(legacy);
    expect(made).toBeDefined();
    const { wrapped } = (await keyRow(legacy))!;
    expect(await keys.ensure(legacy)).toBe(made!);
    expect(await store().ensure(legacy)).toBeDefined();
    expect(Buffer.from((await keyRow(legacy))!.wrapped).equals(Buffer.from(wrapped))).toBe(true);
    expect(await keys.ensure(erased)).toBeUndefined();
    expect(await keys.ensure(absent)).toBeUndefined();
    expect(await keyRow(erased)).toBeUndefined();
    expect(await keyRow(absent)).toBeUndefined();
  });

  test('a wrapped key moved to another user does not unwrap', async () => {
    const [from, to] = [newUserId(), newUserId()];
    await store({}, masterC).create(from);
    await database.db.execute(sql`insert into user_keys (user_id, master_key_id, wrapped) select ${to}, master_key_id, wrapped from user_keys where user_id = ${from}`);
    await expect(store({}, masterC).get([to])).rejects.toThrow();
  });
});
