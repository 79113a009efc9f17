import { afterAll, beforeAll, expect, test } from 'bun:test';
import { asc, sql } from 'drizzle-orm';
import type { Database } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { rowToEnvelope } from '../../../platform/events/event-codec';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { envelopeOf } from '../../../../test/kits/envelopes';
import { eventFactory } from '../../../../test/kits/recommendation/events';
import { FRIEND_EVENTS_TOPIC } from '../../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import { recommendationMigrationsFolder } from '../module';
import { receivedEvents } from '../schema';
import { appendToLog, readLog } from './event-log';
import { readGraphRows } from './graph-rows';

/**
 * The graph's reads take log rows as one JSON document built by the database (graph-rows.ts). They
 * must give back what the columns hold, as the driver would have decoded them: the oracle here is a
 * plain select of the same rows.
 */
let database: Database;
beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
});
afterAll(() => database.close());

test('rows read as one document equal the columns read one by one', async () => {
  const e = eventFactory(Date.parse('2025-06-30T23:59:59.987Z'));
  const odd = envelopeOf({
    type: 'SomethingNew',
    streamId: 'user-7',
    streamVersion: 2147483647,
    occurredAt: '1999-12-31T23:59:59.001Z',
    data: { userId: 7, text: 'Zoë "quoted" \\ back\nslash 𝄞 tab\t end', nested: { list: [1, 2.5, -3e-7, null, true], big: 9007199254740991 } },
  });
  await appendToLog(database.db, [
    { topic: USER_EVENTS_TOPIC, events: [e.userCreated(7), e.userCreated(8), odd] },
    { topic: FRIEND_EVENTS_TOPIC, events: [e.friendAdded(7, 8)] },
    // Not the topic its stream id names: kept in the row, and not something the graph reads.
    { topic: 'elsewhere', events: [e.userErased(8)] },
  ]);
  const plain = await database.db.select().from(receivedEvents).orderBy(asc(receivedEvents.position));
  // As the driver decodes each column, without the metadata the graph does not read.
  const expected = plain.map((row) => rowToEnvelope({ ...row, metadata: {} as EventEnvelope['metadata'] }));
  expect(expected).toHaveLength(5);

  const page = await readLog(database.db, 0, 100);
  expect(page.events).toEqual(expected);
  expect(page.last).toBe(plain.at(-1)!.position);
  // Pages follow one another by position.
  const first = await readLog(database.db, 0, 2);
  const rest = await readLog(database.db, first.last, 100);
  expect([...first.events, ...rest.events]).toEqual(expected);

  // Any clause on the table's columns; positions and transaction ids come along.
  const rows = await readGraphRows(database.db, { where: sql`type = 'FriendAdded'` });
  expect(rows).toEqual([{ position: plain[3]!.position, xid: String(plain[3]!.xid), event: expected[3]! }]);
  expect(await readGraphRows(database.db, { where: sql`false` })).toEqual([]);
});
