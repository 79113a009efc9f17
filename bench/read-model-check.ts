/**
 * What the start-up check of a domain module's read model against its event store costs, at 100k
 * users and 100k friendships: `bun bench/read-model-check.ts` on PGlite (in memory and on disk),
 * `--postgres` on the PostgreSQL of `POSTGRES_ADMIN_URL` too (a throw-away database, dropped after).
 * Rows are made by SQL directly: the commands would take minutes to write them.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { rm } from 'node:fs/promises';
import { friendMigrationsFolder } from '../src/modules/friend';
import { friendshipsReadModel } from '../src/modules/friend/friendship-read-model';
import { userMigrationsFolder } from '../src/modules/user';
import { usersReadModel } from '../src/modules/user/user-read-model';
import type { Database } from '../src/platform/db/database';
import { openEmbeddedDatabase } from '../src/platform/db/embedded';
import { openPostgresDatabase } from '../src/platform/db/postgres';
import { verifyReadModel } from '../src/platform/events/read-model-check';
import { silentLogger } from '../src/platform/log';
import { freshDatabaseUrl } from '../test/kits/postgres';
import { tempDir } from '../test/kits/processes';

const N = 100_000;
const event = (stream: string, version: string, type: string, data: string) =>
  `insert into events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
   select gen_random_uuid(), ${stream}, ${version}, '${type}', 1, ${data}, '{"correlationId":"bench"}', now()`;

/** 100k users, every tenth renamed once (110k events). */
async function seedUsers(db: Database['db']) {
  await db.execute(sql.raw(`${event(`'user-' || i`, '1', 'UserCreated', `jsonb_build_object('userId', i, 'firstName', 'F' || i, 'lastName', 'L')`)} from generate_series(1, ${N}) i`));
  await db.execute(sql.raw(`${event(`'user-' || i`, '2', 'UserUpdated', `jsonb_build_object('userId', i, 'firstName', 'G' || i, 'lastName', 'L')`)} from generate_series(1, ${N}, 10) i`));
  await db.execute(sql.raw(`insert into users select i, case when i % 10 = 1 then 'G' else 'F' end || i, 'L', now(), now(), case when i % 10 = 1 then 2 else 1 end from generate_series(1, ${N}) i`));
}

/** 100k friendships i -> i+1, every tenth removed (110k events, 90k rows). */
async function seedFriendships(db: Database['db']) {
  const data = `jsonb_build_object('friendshipId', i, 'userId', i, 'friendId', i + 1)`;
  await db.execute(sql.raw(`${event(`'friendship-' || i || '-' || (i + 1)`, '1', 'FriendAdded', data)} from generate_series(1, ${N}) i`));
  await db.execute(sql.raw(`${event(`'friendship-' || i || '-' || (i + 1)`, '2', 'FriendRemoved', data)} from generate_series(1, ${N}, 10) i`));
  await db.execute(sql.raw(`insert into friendships select i, i, i + 1, now(), now() from generate_series(1, ${N}) i where i % 10 <> 1`));
}

async function timed(work: () => Promise<void>, runs = 3): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    ms.push(performance.now() - start);
  }
  return Math.round(ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!);
}

async function measure(engine: string, open: (owner: string, migrations: string) => Promise<Database>) {
  const user = await open('user', userMigrationsFolder);
  const friend = await open('friend', friendMigrationsFolder);
  try {
    await seedUsers(user.db);
    await seedFriendships(friend.db);
    await user.db.execute(sql`analyze`);
    await friend.db.execute(sql`analyze`);
    const userMs = await timed(() => verifyReadModel('user', user, usersReadModel, silentLogger));
    const friendMs = await timed(() => verifyReadModel('friend', friend, friendshipsReadModel, silentLogger));
    // A read model that lost 1% of its rows: found and rebuilt.
    await user.db.execute(sql.raw(`delete from users where id % 100 = 0`));
    const repairMs = await timed(() => verifyReadModel('user', user, usersReadModel, silentLogger), 1);
    console.log(`${engine}: check users ${userMs} ms, friendships ${friendMs} ms (median of 3); repair of 1k lost users rows ${repairMs} ms`);
  } finally {
    await user.close();
    await friend.close();
  }
}

await measure('PGlite in memory', (owner, migrationsFolder) => openEmbeddedDatabase({ migrationsFolder, label: owner }));
const dir = tempDir('check-bench-');
await measure('PGlite on disk', (owner, migrationsFolder) => openEmbeddedDatabase({ dataDir: `${dir}/${owner}`, migrationsFolder, label: owner }));
await rm(dir, { recursive: true, force: true });

const adminUrl = process.env.POSTGRES_ADMIN_URL;
if (process.argv.includes('--postgres')) {
  if (!adminUrl) throw new Error('--postgres needs POSTGRES_ADMIN_URL (source .infra/env after `bun run infra:up`)');
  const urls: string[] = [];
  try {
    await measure('PostgreSQL', async (_owner, migrationsFolder) => {
      const url = await freshDatabaseUrl(adminUrl, 'check_bench');
      urls.push(url);
      return openPostgresDatabase({ url, migrationsFolder, log: silentLogger });
    });
  } finally {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    for (const url of urls) await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)}`);
    await admin.end();
  }
}
