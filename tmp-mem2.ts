import { cpSync, rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { openEmbeddedDatabase } from './src/platform/db/embedded';
import { recommendationMigrationsFolder } from './src/modules/recommendation/module';
import { readLog } from './src/modules/recommendation/projecting-events/event-log';
const dir = '/tmp/replay-mem'; rmSync(dir, { recursive: true, force: true }); cpSync('/tmp/replay-pristine-5000/recommendation', dir, { recursive: true });
const mb = (n: number) => Math.round(n / 2 ** 20);
const database = await openEmbeddedDatabase({ dataDir: dir, migrationsFolder: recommendationMigrationsFolder, label: 'x' });
Bun.gc(true);
const base = process.memoryUsage().rss;
let peak = 0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const mode = process.argv[2] ?? 'readLog';
const t = performance.now();
let after = 0, n = 0;
for (;;) {
  if (mode === 'readLog') { const p = await readLog(database.db, after, 10000); if (!p.events.length) break; after = p.last; n += p.events.length; }
  else if (mode === 'raw') { const r = await (database.db as any).execute(sql`select position, event_id, type, schema_version, stream_id, stream_version, occurred_at, data from received_events where position > ${after} order by position limit 10000`); const rows = r.rows; if (!rows.length) break; after = Number(rows.at(-1).position); n += rows.length; }
  else if (mode === 'agg') { const r = await (database.db as any).execute(sql`select coalesce(json_agg(json_build_array(position, event_id, type, schema_version, stream_id, stream_version, occurred_at, data) order by position), '[]')::text as page from (select * from received_events where position > ${after} order by position limit 10000) x`); const rows = JSON.parse(r.rows[0].page); if (!rows.length) break; after = Number(rows.at(-1)[0]); n += rows.length; }
  else if (mode === 'count') { const r = await (database.db as any).execute(sql`select count(*) from (select position from received_events where position > ${after} order by position limit 10000) x`); after += 10000; n += 10000; if (after > 140000) break; }
  peak = Math.max(peak, process.memoryUsage().rss);
  await new Promise((r) => setTimeout(r, 0));
}
clearInterval(timer);
console.log(mode, n, 'in', Math.round(performance.now() - t), 'ms; base', mb(base), 'peak', mb(peak), 'delta', mb(peak - base));
await database.close();
