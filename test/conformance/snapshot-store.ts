import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Database } from '../../src/platform/db/database';
import { graphSnapshotParts, graphSnapshots } from '../../src/modules/recommendation/schema';
import { checksumOf, loadNewestSnapshot, saveSnapshot } from '../../src/modules/recommendation/graph-lifecycle/snapshot-store';

/**
 * The snapshot store on one engine: bytes of several parts come back exactly, with their header,
 * and a newer snapshot replaces the older one, parts included. Registers tests on `open()`'s database.
 */
export function snapshotStoreConformance(open: () => Promise<Database>): void {
  let database: Database;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database.close());

  /** Not a multiple of the part size, with every byte value, so that a lost or shifted byte shows. */
  const bytesOf = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

  test('bytes spanning several parts come back exactly, with the newest header; older snapshots go, parts included', async () => {
    expect(await loadNewestSnapshot(database.db)).toBeUndefined();
    const older = bytesOf(5 * 1024 * 1024 + 3, 1);
    await saveSnapshot(database.db, { format: 1, position: 10, bytes: older, takenAt: new Date('2026-01-01T00:00:00Z') });
    const newer = bytesOf(9 * 1024 * 1024 + 5, 2);
    await saveSnapshot(database.db, { format: 1, position: 20, bytes: newer, takenAt: new Date('2026-01-01T00:00:01Z') });
    const loaded = (await loadNewestSnapshot(database.db))!;
    expect(loaded).toMatchObject({ format: 1, position: 20, checksum: checksumOf(newer) });
    expect(loaded.bytes.length).toBe(newer.length);
    expect(Buffer.compare(Buffer.from(loaded.bytes), Buffer.from(newer))).toBe(0);
    expect(await database.db.select({ position: graphSnapshots.position }).from(graphSnapshots)).toEqual([{ position: 20 }]);
    expect((await database.db.selectDistinct({ id: graphSnapshotParts.snapshotId }).from(graphSnapshotParts)).length).toBe(1);
  });
}
