/**
 * What the recommendation log takes on disk, and where: the table's rows, its TOAST, each index,
 * and the write-ahead log, per event. Opens the (stopped) module's PGlite data directory.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { recommendationMigrationsFolder } from '../../src/modules/recommendation';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';

export interface LogSize {
  events: number;
  /** Everything the log's table holds (rows, TOAST, indexes), per event. */
  bytesPerEvent: number;
  /** Bytes per event by part: heap, toast, each index by name, wal (the directory, not the table's). */
  parts: Record<string, number>;
  /** Average stored bytes of each column of a sample of rows. */
  columns: Record<string, number>;
}

export function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? sizeOf(path) : statSync(path).size;
  }
  return total;
}

type Client = { query<T>(sql: string): Promise<{ rows: T[] }> };

export async function recommendationLogSize(moduleDir: string): Promise<LogSize> {
  const database = await openEmbeddedDatabase({ dataDir: moduleDir, migrationsFolder: recommendationMigrationsFolder, label: 'bench log size' });
  const client = (database.db as unknown as { $client: Client }).$client;
  try {
    const [sizes] = (await client.query<{ events: number; heap: number; total: number; toast: number }>(
      `select (select count(*) from received_events)::int as events,
        pg_relation_size('received_events')::float8 as heap,
        pg_total_relation_size('received_events')::float8 as total,
        coalesce(pg_total_relation_size(reltoastrelid), 0)::float8 as toast
      from pg_class where relname = 'received_events'`,
    )).rows;
    const { events, heap, total, toast } = sizes!;
    const per = (bytes: number) => Math.round((bytes / Math.max(1, events)) * 10) / 10;
    const parts: Record<string, number> = { heap: per(heap), toast: per(toast) };
    const indexes = (await client.query<{ name: string; bytes: number }>(
      `select indexrelname as name, pg_relation_size(indexrelid)::float8 as bytes from pg_stat_user_indexes where relname = 'received_events'`,
    )).rows;
    for (const { name, bytes } of indexes) parts[`index ${name}`] = per(bytes);
    const [columns] = (await client.query<Record<string, number>>(
      `select ${['xid', 'occurred_at', 'stream_version', 'schema_version', 'event_id', 'stream_id', 'type', 'topic', 'data', 'metadata']
        .map((c) => `round(avg(pg_column_size(${c})), 1)::float8 as ${c}`)
        .join(', ')} from (select * from received_events order by position desc limit 10000) as sample`,
    )).rows;
    const wal = join(moduleDir, 'pg_wal');
    parts.wal = per(sizeOf(wal));
    return { events, bytesPerEvent: per(total), parts, columns: columns ?? {} };
  } finally {
    await database.close();
  }
}
