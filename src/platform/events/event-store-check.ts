import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/database';

export interface StoreDamage {
  /** Streams whose versions are not exactly 1..n: events were lost from the middle or the start. */
  brokenStreams: number;
  brokenExamples: string[];
  /** Outbox entries whose event is gone: an event was committed, then lost before it was published. */
  orphanOutbox: number;
}

/**
 * One pass over the whole event store. Versions are unique per stream (the index), so a stream is
 * whole when its versions start at 1 and their count equals the highest. Reading every row also
 * surfaces a page that fails its checksum or cannot be read, as an error.
 */
export async function eventStoreDamage(db: Db): Promise<StoreDamage> {
  const result = await db.execute(sql`
    with streams as (
      select stream_id, count(*) as n, min(stream_version) as first, max(stream_version) as last from events group by stream_id
    )
    select count(*) filter (where n <> last or first <> 1)::int as broken,
      coalesce((array_agg(stream_id order by stream_id) filter (where n <> last or first <> 1))[1:5], '{}') as examples,
      (select count(*) from outbox o where not exists (select 1 from events e where e.position = o.event_position))::int as orphans
    from streams`);
  const row = rowsOf<{ broken: number; examples: string[]; orphans: number }>(result)[0]!;
  return { brokenStreams: row.broken, brokenExamples: row.examples, orphanOutbox: row.orphans };
}
