import { afterAll, expect, test } from 'bun:test';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../../platform/db/database';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { tempDir } from '../../../../test/kits/processes';
import { eventFactory } from '../../../../test/kits/recommendation/events';
import { recommendationMigrationsFolder } from '../module';
import { appendToLog } from './event-log';
import { metadataOf } from './log-metadata';

/** The module's migrations up to 0005: the log's metadata was JSON text then. */
function migrationsBefore0006(): string {
  const copy = join(tempDir('log-metadata-migrations-'), 'migrations');
  cpSync(recommendationMigrationsFolder, copy, { recursive: true });
  const journalFile = join(copy, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
  journal.entries = journal.entries.filter((entry: { idx: number }) => entry.idx <= 5);
  writeFileSync(journalFile, JSON.stringify(journal));
  return copy;
}

const dataDir = join(tempDir('log-metadata-'), 'recommendation');
let database: Database | undefined;
afterAll(() => database?.close());

const request = {
  correlationId: '6f1d2c3b-4a59-4e68-8d7c-0b1a2f3e4d5c',
  causationId: '01a2444e-758e-71d2-a940-2509da140212',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

test('rows written before migration 0006 (JSON arrays and objects) read back after it, beside rows stored in binary', async () => {
  const e = eventFactory();
  const [asArray, asObject, later] = [e.userCreated(1), e.userCreated(2), e.userCreated(3)];
  const before = await openEmbeddedDatabase({ dataDir, migrationsFolder: migrationsBefore0006(), label: 'recommendation' });
  try {
    // As the code before 0006 stored them: the known keys as an array, anything else as the object.
    for (const [event, metadata] of [[asArray, [request.correlationId, null, request.traceparent]], [asObject, { ...request, tenant: 't' }]] as const) {
      await before.db.execute(sql`insert into received_events (event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
        values (${event.id}, '', ${event.streamId}, 1, ${event.type}, 1, '{}', ${JSON.stringify(metadata)}::json, now())`);
    }
  } finally {
    await before.close();
  }

  database = await openEmbeddedDatabase({ dataDir, migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  await appendToLog(database.db, [{ topic: 'user-events', events: [{ ...later, metadata: request }] }]);
  const rows = rowsOf<{ metadata: Uint8Array }>(await database.db.execute(sql`select metadata from received_events order by position`));
  expect(rows.map((r) => metadataOf(r.metadata))).toEqual([
    { correlationId: request.correlationId, traceparent: request.traceparent },
    { ...request, tenant: 't' },
    request,
  ] as never);
  // The first two kept their JSON text; the new one is binary (tag, mask, two ids, a trace context).
  expect(rows.map((r) => r.metadata.length)).toEqual([
    JSON.stringify([request.correlationId, null, request.traceparent]).length,
    JSON.stringify({ ...request, tenant: 't' }).length,
    60,
  ]);
}, 60_000);
