import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database, type Tx } from '../db/database';
import { rootMessage, StoreUnusableError } from '../db/store-error';
import type { Logger } from '../log';
import type { Aggregate, DomainCommand } from './aggregate';
import type { DomainEvent } from './envelope';
import { rowToEnvelope, type EventRow } from './event-codec';
import { eventStoreDamage, type StoreDamage } from './event-store-check';

/**
 * How a read model follows its streams, in SQL, so its agreement with the event store is checked
 * by one aggregate query. A stream's *mark* is a number that grows with the stream and that its
 * read-model row keeps: the stream version, or the id its last event gave the row.
 */
export interface ReadModelShape<E extends DomainEvent> {
  /** The read model's table: named in messages, locked while repaired. */
  table: string;
  /** Prefix of the stream ids this read model follows, e.g. `user-`. */
  streamPrefix: string;
  /** One row per stream the read model holds: `stream_id` (text) and `mark` (bigint). */
  rows: SQL;
  /** The mark a stream's last event (`head.stream_version`, `head.type`, `head.data`) asks for. */
  expectedMark: SQL;
  /** True when that last event leaves no row (e.g. the thing was removed); false if never. */
  rowless: SQL;
  /** Deletes the rows of these streams, before their events are projected again. */
  clear(tx: Tx, streamIds: string[]): Promise<void>;
}

/** The aggregate whose projection fills the read model: stored events are read as their current version, then projected. */
export type ProjectingAggregate<E extends DomainEvent> = Pick<Aggregate<DomainCommand, unknown, E>, 'codec' | 'project'>;

interface Comparison {
  /** Rows the events do not account for: the store lost events. */
  ahead: number;
  aheadExamples: string[];
  /** Streams whose row is missing, behind, or should be gone: the read model is wrong. */
  stale: string[];
}

const examples = (ids: readonly string[]) => ids.slice(0, 5).join(', ');
const textArray = (ids: readonly string[]) => `{${ids.map((id) => `"${id.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

async function compare(database: Database, shape: ReadModelShape<DomainEvent>): Promise<Comparison> {
  const prefix = `${shape.streamPrefix}%`;
  const result = await database.db.execute(sql`
    with head as (
      select distinct on (stream_id) stream_id, stream_version, type, data from events
      where stream_id like ${prefix} order by stream_id, stream_version desc
    ),
    expected as (select stream_id, (${shape.expectedMark})::bigint as mark, (${shape.rowless}) as rowless from head),
    actual as (${shape.rows}),
    pairs as (
      select coalesce(x.stream_id, a.stream_id) as stream_id,
        x.stream_id is null or coalesce(a.mark > x.mark, false) as ahead,
        coalesce((not x.rowless and (a.stream_id is null or a.mark < x.mark)) or (x.rowless and a.mark <= x.mark), false) as stale
      from expected x full join actual a on a.stream_id = x.stream_id
    )
    select count(*) filter (where ahead)::int as ahead,
      coalesce((array_agg(stream_id order by stream_id) filter (where ahead))[1:5], '{}') as ahead_examples,
      coalesce(array_agg(stream_id order by stream_id) filter (where stale and not ahead), '{}') as stale
    from pairs`);
  const row = rowsOf<{ ahead: number; ahead_examples: string[]; stale: string[] }>(result)[0]!;
  return { ahead: row.ahead, aheadExamples: row.ahead_examples, stale: row.stale };
}

/** Streams repaired per transaction: bounded memory, and commands wait on the lock only that long. */
const REPAIR_BATCH = 1_000;

async function repair(database: Database, shape: ReadModelShape<DomainEvent>, aggregate: ProjectingAggregate<DomainEvent>, streamIds: string[]): Promise<void> {
  // The table's indexes may still point at rows its file lost (a truncated file): a delete or an
  // insert through them would fail reading a block that is gone. Rebuilt from the rows that remain.
  await database.db.execute(sql`reindex table ${sql.identifier(shape.table)}`);
  for (let i = 0; i < streamIds.length; i += REPAIR_BATCH) {
    const batch = streamIds.slice(i, i + REPAIR_BATCH);
    await database.db.transaction(async (tx) => {
      // Commands of other instances (PostgreSQL) wait: rows are rebuilt from the events committed
      // once the lock is held, and a command that appends later updates the rebuilt row.
      await tx.execute(sql`lock table ${sql.identifier(shape.table)} in share row exclusive mode`);
      await shape.clear(tx, batch);
      const rows = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at
          from events where stream_id = any(${textArray(batch)}::text[]) order by stream_id, stream_version`),
      );
      const events = rows.map((r) =>
        rowToEnvelope<DomainEvent>({
          eventId: r.event_id as string,
          streamId: r.stream_id as string,
          streamVersion: Number(r.stream_version),
          type: r.type as string,
          schemaVersion: Number(r.schema_version),
          data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
          metadata: (typeof r.metadata === 'string' ? JSON.parse(r.metadata) : r.metadata) as EventRow['metadata'],
          occurredAt: new Date(r.occurred_at as string),
        }),
      );
      await aggregate.project(tx, events.map((event) => aggregate.codec.decodeOwn(event)));
    });
  }
}

const refuse = (module: string, database: Database, what: string) =>
  new StoreUnusableError(`${module}: the event store in ${database.location} looks damaged: ${what}; refusing to start (restore the data from a backup)`);

function describeDamage(damage: StoreDamage): string[] {
  const parts: string[] = [];
  if (damage.brokenStreams > 0) parts.push(`${damage.brokenStreams} streams have gaps in their versions (e.g. ${examples(damage.brokenExamples)})`);
  if (damage.orphanOutbox > 0) parts.push(`${damage.orphanOutbox} outbox entries point at events that are gone`);
  return parts;
}

/**
 * At start: the event store is whole (no stream with a gap, no outbox entry without its event),
 * and the read model agrees with it. A read model that is behind or missing rows is rebuilt from
 * the events, with a warning; a read model ahead of the events, a store with gaps, or data that
 * cannot be read refuse the start, naming the module and where its data live: serving then would
 * answer from rows the store cannot back (a user at version 1 whose stream is empty).
 */
export async function verifyReadModel<E extends DomainEvent>(
  module: string,
  database: Database,
  shape: ReadModelShape<E>,
  aggregate: ProjectingAggregate<E>,
  log: Logger,
): Promise<void> {
  const generic = shape as unknown as ReadModelShape<DomainEvent>;
  try {
    const damage = describeDamage(await eventStoreDamage(database.db));
    const found = await compare(database, generic);
    const ahead = found.ahead > 0 ? [`${found.ahead} ${shape.table} rows reflect events the store does not have (e.g. ${examples(found.aheadExamples)})`] : [];
    if (damage.length > 0 || ahead.length > 0) throw refuse(module, database, [...damage, ...ahead].join('; '));
    if (found.stale.length === 0) return;
    await repair(database, generic, aggregate as unknown as ProjectingAggregate<DomainEvent>, found.stale);
    const after = await compare(database, generic);
    if (after.ahead > 0 || after.stale.length > 0) {
      throw refuse(module, database, `${shape.table} still disagrees with the events after a rebuild (e.g. ${examples([...after.aheadExamples, ...after.stale])})`);
    }
    log.warn('read model disagreed with the event store and was rebuilt from it', {
      table: shape.table,
      location: database.location,
      streams: found.stale.length,
      examples: found.stale.slice(0, 5),
    });
  } catch (error) {
    if (error instanceof StoreUnusableError) throw error;
    throw new StoreUnusableError(`${module}: cannot check the data in ${database.location}: ${rootMessage(error)}; refusing to start`, { cause: error });
  }
}
