/**
 * The write baseline: single-row insert transactions (BEGIN, INSERT, COMMIT) on the engine the
 * modules use, with no ORM, no HTTP and no event sourcing. PGlite runs one query at a time, so it
 * is driven sequentially; PostgreSQL is driven by `concurrency` clients over a pool. Prints JSON.
 *
 *   bun bench/workers/raw-insert.ts '{"engine":"pglite","dir":"/tmp/x","seconds":3}'
 *   bun bench/workers/raw-insert.ts '{"engine":"postgres","url":"postgres://...","seconds":3,"concurrency":16}'
 */
export {}; // a module: top-level await

const params: { engine: 'pglite' | 'postgres'; dir?: string; url?: string; seconds: number; concurrency?: number } = JSON.parse(process.argv[2]!);

const CREATE = 'create table if not exists bench_raw_insert (id bigserial primary key, stream text not null, version int not null, data jsonb not null, at timestamptz not null)';
const INSERT = 'insert into bench_raw_insert (stream, version, data, at) values ($1, $2, $3, $4)';
const row = (i: number) => [`stream-${i}`, 1, JSON.stringify({ userId: i, firstName: 'Ada', lastName: 'Lovelace' }), new Date()];

async function measure(concurrency: number, insertOne: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await insertOne(i); // warm-up: JIT, caches, plans
  let done = 0;
  const started = performance.now();
  const end = started + params.seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await insertOne(done++);
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

let perSec: number;
if (params.engine === 'pglite') {
  const { PGlite } = await import('@electric-sql/pglite');
  (await import('node:fs')).mkdirSync(params.dir!, { recursive: true }); // PGlite does not create it
  const client = new PGlite(params.dir!);
  await client.waitReady;
  await client.exec(CREATE);
  perSec = await measure(1, (i) => client.transaction((tx) => tx.query(INSERT, row(i))));
  await client.close();
} else {
  const { default: postgres } = await import('postgres');
  const sql = postgres(params.url!, { max: 10, onnotice: () => {} });
  await sql.unsafe(CREATE);
  perSec = await measure(params.concurrency ?? 16, (i) => sql.begin((tx) => tx.unsafe(INSERT, row(i) as never[])));
  await sql.unsafe('drop table bench_raw_insert');
  await sql.end({ timeout: 5 });
}
console.log(JSON.stringify({ txPerSec: Math.round(perSec) }));
