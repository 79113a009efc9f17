import { afterAll, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { openSync, closeSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { rowsOf } from '../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { spawnChild, tempDir, entrypointFile } from '../kits/processes';
import { userMigrationsFolder } from '../../src/modules/user';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/**
 * Damaged data is noticed at start: a read model that lost rows is rebuilt from the events, an
 * event store that lost events or a cluster that will not open stops the start with one line
 * naming the module and its directory. Files are damaged as a disk or a careless copy would.
 */
let system: System | undefined;
afterAll(() => system?.process.proc.kill('SIGKILL'));

const USERS = 150;

/** A data directory with users (every tenth renamed), left by a clean stop. */
async function populated(): Promise<{ dataDir: string; env: Record<string, string>; ids: number[] }> {
  const dataDir = tempDir('damage-');
  const env = systemEnv(dataDir);
  system = await startSystem(env);
  const ids: number[] = [];
  for (let i = 0; i < USERS; i++) ids.push((await system.api('POST', '/user/v1/users', { firstName: `User${i}`, lastName: 'Damage' })).body.id);
  for (const id of ids.filter((_, i) => i % 10 === 0)) {
    expect((await system.api('PUT', `/user/v1/users/${id}`, { id, firstName: 'Renamed', lastName: 'Damage' })).status).toBe(200);
  }
  expect(await system.process.stop()).toBe(0);
  system = undefined;
  return { dataDir, env, ids };
}

/** The file of a table in a module's data directory, as PostgreSQL names it. */
async function tableFile(dataDir: string, table: string): Promise<string> {
  const database = await openEmbeddedDatabase({ dataDir: join(dataDir, 'user'), migrationsFolder: userMigrationsFolder, label: 'user' });
  try {
    const path = rowsOf<{ path: string }>(await database.db.execute(sql`select pg_relation_filepath(${table}) as path`))[0]!.path;
    return join(dataDir, 'user', path);
  } finally {
    await database.close();
  }
}

/** Keeps the first half of the file's pages. */
function truncateToHalf(file: string): void {
  const pages = statSync(file).size / 8192;
  expect(pages).toBeGreaterThanOrEqual(2);
  truncateSync(file, Math.floor(pages / 2) * 8192);
}

async function failedStart(env: Record<string, string>): Promise<{ code: number; output: string }> {
  const process = spawnChild(entrypointFile('all-in-one'), env);
  // A start that does not notice the damage serves on: stopped after a while, it is a failure too.
  const timer = setTimeout(() => process.proc.kill('SIGKILL'), 60_000);
  const code = await process.proc.exited;
  clearTimeout(timer);
  return { code, output: process.output() };
}

test('a read model that lost half its file is rebuilt from the events at start, with a warning', async () => {
  const { dataDir, env, ids } = await populated();
  truncateToHalf(await tableFile(dataDir, 'users'));
  system = await startSystem(env);
  for (const [i, id] of ids.entries()) {
    const res = await system.api('GET', `/user/v1/users/${id}`);
    expect({ id, status: res.status, etag: res.headers.get('etag'), firstName: res.body?.firstName })
      .toEqual({ id, status: 200, etag: i % 10 === 0 ? '"2"' : '"1"', firstName: i % 10 === 0 ? 'Renamed' : `User${i}` });
  }
  expect(system.process.output()).toContain('read model disagreed with the event store and was rebuilt from it');
  expect(system.process.output()).toContain(join(dataDir, 'user'));
  expect(await system.process.stop()).toBe(0);
  system = undefined;
});

test('an event store that lost half its file stops the start, naming the module and its directory', async () => {
  const { dataDir, env } = await populated();
  truncateToHalf(await tableFile(dataDir, 'events'));
  const { code, output } = await failedStart(env);
  expect(code).not.toBe(0);
  expect(output).toContain(`user: the event store in ${join(dataDir, 'user')} looks damaged: `);
  expect(output).toContain('users rows reflect events the store does not have');
});

test('a garbled pg_control stops the start, naming the module and its directory', async () => {
  const { dataDir, env } = await populated();
  const fd = openSync(join(dataDir, 'user', 'global', 'pg_control'), 'r+');
  writeSync(fd, Buffer.alloc(512, 0x5a), 0, 512, 0);
  closeSync(fd);
  const { code, output } = await failedStart(env);
  expect(code).not.toBe(0);
  expect(output).toContain(`user: cannot open the embedded database in ${join(dataDir, 'user')}: `);
  expect(output).toContain('is the directory damaged?');
});

test('a garbled page of the event store stops the start with the error that names it', async () => {
  const { dataDir, env } = await populated();
  const fd = openSync(await tableFile(dataDir, 'events'), 'r+');
  writeSync(fd, Buffer.alloc(256, 0x5a), 0, 256, 8192 + 4096); // inside the second page, past its header
  closeSync(fd);
  const { code, output } = await failedStart(env);
  expect(code).not.toBe(0);
  expect(output).toMatch(new RegExp(`^all-in-one: user: cannot check the data in ${join(dataDir, 'user')}: invalid page in block 1 of relation \\S+; refusing to start\n$`));
});
