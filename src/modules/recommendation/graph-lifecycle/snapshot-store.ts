import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { graphSnapshotParts, graphSnapshots } from '../schema';

/**
 * Small enough that one part's insert holds up a log append only briefly (PGlite runs one statement
 * at a time). Parts travel as base64 text that Postgres decodes and encodes itself: as bytea
 * parameters and results (hex text converted in JavaScript), writing 36 MB took 13 s and reading it
 * 2.3-4.5 s on PGlite here; as base64, 1.0 s each.
 */
const PART_BYTES = 4 * 1024 * 1024;

export interface StoredSnapshot {
  format: number;
  position: number;
  checksum: string;
  bytes: Uint8Array;
  /** A replica's snapshot: what of the log it covers (see schema.ts); undefined for the all-in-one's. */
  logSnapshot?: string;
}

/** The all-in-one's snapshots cover a log position; a replica's, the rows of a PostgreSQL snapshot. */
export type SnapshotKind = 'position' | 'replica';

export const checksumOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes the parts one statement each, then the header and the removal of every older snapshot of
 * its kind in one transaction. A save cut short leaves parts without a header: never read, and small beside
 * the log; a later save does not find them (it cannot tell them from another instance's save in
 * progress).
 */
export async function saveSnapshot(db: Db, snapshot: { format: number; position: number; bytes: Uint8Array; takenAt: Date; logSnapshot?: string }): Promise<void> {
  const id = crypto.randomUUID();
  const { bytes } = snapshot;
  for (let part = 0; part * PART_BYTES < bytes.length || part === 0; part++) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + part * PART_BYTES, Math.min(PART_BYTES, bytes.length - part * PART_BYTES)).toString('base64');
    await db.insert(graphSnapshotParts).values({ snapshotId: id, part, bytes: sql`decode(${text}, 'base64')` });
  }
  await db.transaction(async (tx) => {
    await tx.insert(graphSnapshots).values({ id, format: snapshot.format, position: snapshot.position, bytes: bytes.length, checksum: checksumOf(bytes), takenAt: snapshot.takenAt, logSnapshot: snapshot.logSnapshot ?? null });
    // Of the same kind only: a replica's snapshots and the all-in-one's cover the log differently.
    const olderOfKind = and(ne(graphSnapshots.id, id), snapshot.logSnapshot === undefined ? isNull(graphSnapshots.logSnapshot) : isNotNull(graphSnapshots.logSnapshot));
    const older = tx.select({ id: graphSnapshots.id }).from(graphSnapshots).where(olderOfKind);
    // Only the parts of finished snapshots: instances sharing a log (PostgreSQL) may be writing theirs.
    await tx.delete(graphSnapshotParts).where(inArray(graphSnapshotParts.snapshotId, older));
    await tx.delete(graphSnapshots).where(olderOfKind);
  });
}

/** The newest complete snapshot of that kind as stored, unchecked; undefined when there is none. */
export async function loadNewestSnapshot(db: Db, kind: SnapshotKind = 'position'): Promise<StoredSnapshot | undefined> {
  const ofKind = kind === 'replica' ? isNotNull(graphSnapshots.logSnapshot) : isNull(graphSnapshots.logSnapshot);
  const [header] = await db.select().from(graphSnapshots).where(ofKind).orderBy(desc(graphSnapshots.takenAt)).limit(1);
  if (!header) return undefined;
  // One part per query: a result is held whole in PGlite's WebAssembly memory, which does not
  // shrink; reading all 36 MB at once, the all-in-one's restart peaked at 694 MB, part by part at 547 MB.
  const parts: Buffer[] = [];
  for (let part = 0; ; part++) {
    const [row] = await db
      .select({ text: sql<string>`encode(${graphSnapshotParts.bytes}, 'base64')` })
      .from(graphSnapshotParts)
      .where(and(eq(graphSnapshotParts.snapshotId, header.id), eq(graphSnapshotParts.part, part)));
    if (!row) break;
    parts.push(Buffer.from(row.text, 'base64'));
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { format: header.format, position: header.position, checksum: header.checksum, bytes, ...(header.logSnapshot ? { logSnapshot: header.logSnapshot } : {}) };
}
