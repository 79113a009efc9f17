import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test';
import { count, eq, sql } from 'drizzle-orm';
import type { Database } from '../../../platform/db/database';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { createLogger } from '../../../platform/log';
import { eventually } from '../../../../test/kits/processes';
import { FRIEND_EVENTS_TOPIC } from '../../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import { MemoryGraph } from '../graph/memory-graph';
import { createRecommendationModule, recommendationMigrationsFolder } from '../module';
import { graphSnapshotParts, graphSnapshots, receivedEvents } from '../schema';
import { eventFactory } from '../../../../test/kits/recommendation/events';
import { lastLogPosition } from './log-position';
import { replayLog } from './replay';
import { encodeSnapshot, SNAPSHOT_FORMAT } from './snapshot-codec';
import { checksumOf, loadNewestSnapshot, saveSnapshot } from './snapshot-store';

/**
 * Start-up of the in-memory graph from a snapshot: it loads the newest one and replays only the
 * log after it, and a snapshot that does not match this log or this code is ignored (the whole
 * log is replayed), never trusted.
 */
let database: Database;
const lines: Record<string, any>[] = [];
const log = createLogger({}, 'info', (line) => lines.push(JSON.parse(line)));
const e = eventFactory();
const SNAPSHOT_EVERY = 20;

async function start(on = database) {
  const bus = new InProcessBus();
  const module = createRecommendationModule({ database: on, bus, log, snapshotEvery: SNAPSHOT_EVERY });
  const seen = lines.length;
  await module.connect();
  const started = lines.slice(seen).find((l) => /^graph (loaded|rebuilt)/.test(l.msg));
  const ignored = lines.slice(seen).find((l) => l.msg.startsWith('ignored the graph snapshot'));
  return { bus, module, started, ignored, stop: async () => (await module.stop(), await bus.close()) };
}

const ring = (from: number, n: number) => Array.from({ length: n }, (_, i) => e.friendAdded(from + i, from + ((i + 1) % n)));
const headers = () => database.db.select().from(graphSnapshots);

/** A run that leaves a snapshot behind, then events after it. */
async function snapshotThenMore() {
  const first = await start();
  await first.bus.publish(USER_EVENTS_TOPIC, Array.from({ length: 30 }, (_, i) => e.userCreated(i + 1)));
  await first.bus.publish(FRIEND_EVENTS_TOPIC, ring(1, 30));
  await eventually('a snapshot', async () => (await headers()).length === 1, 5_000);
  await first.stop();
  const covered = (await headers())[0]!.position;
  // Events the snapshot does not hold, logged by an instance that takes no snapshot.
  const bus = new InProcessBus();
  const other = createRecommendationModule({ database, bus, log, snapshotEvery: 1e9 });
  await other.connect();
  await bus.publish(FRIEND_EVENTS_TOPIC, [e.friendRemoved(1, 2), ...ring(40, 3)]);
  await bus.publish(USER_EVENTS_TOPIC, [e.userUpdated(3, 'Grace', 'Hopper')]);
  await other.stop();
  return covered;
}

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.db.delete(graphSnapshotParts);
  await database.db.delete(graphSnapshots);
});

/** Whether the started module's graph is the graph of the whole log (the audit rebuilds one from scratch and compares). */
async function matchesLog(module: ReturnType<typeof createRecommendationModule>) {
  const report = await module.operations.audit();
  expect(report.logEvents).toBe((await database.db.select({ n: count() }).from(receivedEvents))[0]!.n);
  return report.divergences;
}

test('a restart loads the snapshot and replays only the log rows after it, to the graph of the whole log', async () => {
  const covered = await snapshotThenMore();
  const after = (await database.db.select({ n: count() }).from(receivedEvents).where(sql`${receivedEvents.position} > ${covered}`))[0]!.n;
  expect(after).toBeGreaterThanOrEqual(5);
  const again = await start();
  expect(again.ignored).toBeUndefined();
  expect(again.started).toMatchObject({ msg: 'graph loaded from a snapshot and the log after it', from: covered, events: after });
  expect(await matchesLog(again.module)).toBe(0);
  await again.stop();
});

test('a snapshot holds no names, and a format 2 snapshot (which held them) is ignored', async () => {
  const first = await start();
  await first.bus.publish(USER_EVENTS_TOPIC, Array.from({ length: 25 }, (_, i) => e.userCreated(100 + i, `Snapfirst${i}`, `Snaplast${i}`)));
  await eventually('a snapshot', async () => (await headers()).length === 1, 5_000);
  await first.stop();
  const parts = await database.db.select().from(graphSnapshotParts);
  const text = parts.map((p) => Buffer.from(p.bytes).toString('latin1')).join('');
  expect(text.length).toBeGreaterThan(0);
  expect(text).not.toMatch(/Snapfirst|Snaplast/);
  await expectIgnoredNow(() => database.db.update(graphSnapshots).set({ format: 2 }), /format 2/);
});

/** Starts on a tampered snapshot: it must be ignored for `reason`, and the whole log replayed. */
async function expectIgnored(tamper: () => PromiseLike<unknown>, reason: RegExp) {
  await snapshotThenMore();
  await expectIgnoredNow(tamper, reason);
}

async function expectIgnoredNow(tamper: () => PromiseLike<unknown>, reason: RegExp) {
  await tamper();
  const again = await start();
  expect(again.ignored?.reason).toMatch(reason);
  expect(again.started).toMatchObject({ msg: 'graph rebuilt from the event log', from: 0, events: await lastLogPosition(database.db) });
  expect(await matchesLog(again.module)).toBe(0);
  await again.stop();
}

/** Rewrites the stored snapshot's bytes (one part) and, unless told not to, its checksum to match. */
async function rewrite(change: (bytes: Uint8Array) => Uint8Array, { fixChecksum = true } = {}) {
  const stored = (await loadNewestSnapshot(database.db))!;
  const bytes = change(stored.bytes.slice());
  const [header] = await headers();
  await database.db.delete(graphSnapshotParts);
  await database.db.insert(graphSnapshotParts).values({ snapshotId: header!.id, part: 0, bytes });
  if (fixChecksum) await database.db.update(graphSnapshots).set({ checksum: checksumOf(bytes), bytes: bytes.length });
}

test('a snapshot whose bytes do not match its checksum is ignored', () =>
  expectIgnored(() => rewrite((b) => {
    // The first friendship's "linked" flag (the last section): loaded as is, the graph would lose a friendship.
    const streams = new DataView(b.buffer).getUint32(24, true);
    const at = b.length - Math.ceil(streams / 8) * 8;
    b[at] = b[at]! ^ 0x01;
    return b;
  }, { fixChecksum: false }), /checksum/));

test('a snapshot of another format is ignored, whatever its checksum', async () => {
  await expectIgnored(() => database.db.update(graphSnapshots).set({ format: SNAPSHOT_FORMAT + 1 }), /format/);
  await database.db.delete(graphSnapshots);
  await expectIgnored(() => rewrite((b) => (new DataView(b.buffer).setUint32(4, SNAPSHOT_FORMAT + 1, true), b)), /format/);
});

test('a snapshot cut short or padded is ignored, even with a checksum to match', () =>
  expectIgnored(() => rewrite((b) => b.subarray(0, b.length - 8)), /describes \d+ bytes/));

test('a snapshot covering log rows this log does not have is ignored', () =>
  expectIgnored(async () => {
    // Another log's snapshot: consistent in itself (checksum, format), of a smaller graph, at a position beyond this log.
    const beyond = (await lastLogPosition(database.db)) + 1000;
    const other = new MemoryGraph();
    await other.apply([e.userCreated(1)]);
    await database.db.delete(graphSnapshots);
    await saveSnapshot(database.db, { format: SNAPSHOT_FORMAT, position: beyond, bytes: encodeSnapshot(other.image(), beyond), takenAt: new Date() });
  }, /beyond the log/));

test('a snapshot whose header and bytes disagree on the position is ignored', () =>
  expectIgnored(() => database.db.update(graphSnapshots).set({ position: sql`${graphSnapshots.position} - 3` }), /header says/));

test('a snapshot is taken in the background once enough events came, and stop waits for it', async () => {
  // A log of its own: an empty one, so that the start takes no snapshot.
  const own = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  try {
    const first = await start(own);
    await first.bus.publish(FRIEND_EVENTS_TOPIC, ring(100, SNAPSHOT_EVERY - 1));
    expect(await own.db.select().from(graphSnapshots)).toEqual([]);
    await first.bus.publish(FRIEND_EVENTS_TOPIC, ring(200, 3));
    await first.stop();
    const [header] = await own.db.select().from(graphSnapshots);
    expect(header?.position).toBe(await lastLogPosition(own.db));
    const parts = await own.db.select({ n: count() }).from(graphSnapshotParts).where(eq(graphSnapshotParts.snapshotId, header!.id));
    expect(parts[0]!.n).toBeGreaterThan(0);
    // A newer snapshot replaces it, parts included.
    const second = await start(own);
    await second.bus.publish(FRIEND_EVENTS_TOPIC, ring(300, SNAPSHOT_EVERY + 1));
    await second.stop();
    const [newer, ...others] = await own.db.select().from(graphSnapshots);
    expect(others).toEqual([]);
    expect(newer!.position).toBe(await lastLogPosition(own.db));
    const owners = await own.db.selectDistinct({ id: graphSnapshotParts.snapshotId }).from(graphSnapshotParts);
    expect(owners).toEqual([{ id: newer!.id }]);
  } finally {
    await own.close();
  }
});
