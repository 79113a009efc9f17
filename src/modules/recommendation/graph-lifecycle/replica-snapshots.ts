import { sql } from 'drizzle-orm';
import type { Clock } from '../../../platform/clock';
import { rowsOf, type Claim, type Database } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import type { GraphImage } from '../graph/graph-image';
import { MemoryGraph } from '../graph/memory-graph';
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_FORMAT, SnapshotMismatch } from './snapshot-codec';
import { checksumOf, loadNewestSnapshot, saveSnapshot } from './snapshot-store';
import { SNAPSHOT_EVERY_EVENTS } from './snapshots';

/** Held by the one instance that writes the replicas' snapshots; the others only read them. */
const WRITER_CLAIM = 'recommendation-replica-snapshots';

export interface ReplicaSnapshotsDeps {
  database: Database;
  clock: Clock;
  log: Logger;
  /** Log rows read between snapshots. */
  everyEvents?: number;
}

/**
 * Snapshots of a replica (log-replica.ts), so that an instance starts from the newest one and
 * reads only the log rows after it. Every instance of the group shares them: one writes (it holds
 * an advisory claim, so that they do not all encode and store the same graph), all read. A
 * snapshot records the PostgreSQL snapshot its image covers; one that does not match (format,
 * checksum, bytes, or a snapshot from after this server's present, as in a restored backup) is
 * ignored with a warning and the whole log read.
 */
export class ReplicaSnapshots {
  private readAtLast = 0;
  private saving: Promise<void> | undefined;
  private claim: Claim | undefined;
  private stopped = false;

  constructor(private readonly deps: ReplicaSnapshotsDeps) {}

  /** Loads the newest matching snapshot into `graph`; returns what it covers, or undefined to read the whole log. */
  async restore(graph: MemoryGraph): Promise<string | undefined> {
    const { database, log } = this.deps;
    const stored = await loadNewestSnapshot(database.db, 'replica');
    if (!stored?.logSnapshot) return undefined;
    try {
      if (stored.format !== SNAPSHOT_FORMAT) throw new SnapshotMismatch(`snapshot format ${stored.format}, this version reads ${SNAPSHOT_FORMAT}`);
      if (checksumOf(stored.bytes) !== stored.checksum) throw new SnapshotMismatch('the checksum does not match the bytes');
      if (!(await this.notAhead(stored.logSnapshot))) throw new SnapshotMismatch(`it covers transactions up to ${stored.logSnapshot}, beyond this server's present`);
      graph.adopt(MemoryGraph.fromImage(decodeSnapshot(stored.bytes).image));
      return stored.logSnapshot;
    } catch (error) {
      const reason = error instanceof SnapshotMismatch || error instanceof RangeError ? error.message : String(error);
      log.warn('ignored the replica snapshot: reading the whole log', { reason });
      await graph.clear();
      return undefined;
    }
  }

  /**
   * After a read of the log, given the replica's running count of rows read and the image and
   * PostgreSQL snapshot of that instant: writes a snapshot in the background when due, if this
   * instance is the writer. The image must be taken at once (`image()` copies synchronously).
   */
  afterRead(readSoFar: number, take: () => { image: GraphImage; covers: string }): void {
    if (this.saving || this.stopped || readSoFar - this.readAtLast < (this.deps.everyEvents ?? SNAPSHOT_EVERY_EVENTS)) return;
    this.readAtLast = readSoFar;
    const { image, covers } = take();
    this.saving = this.save(image, covers).finally(() => (this.saving = undefined));
  }

  /** Waits for a snapshot being written (or found to be another instance's to write). */
  async settled(): Promise<void> {
    await this.saving;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.saving;
    await this.claim?.release().catch(() => undefined);
  }

  /** Never throws: a snapshot not written only means a longer read of the log at the next start. */
  private async save(image: GraphImage, covers: string): Promise<void> {
    const { database, clock, log } = this.deps;
    try {
      if (!(this.claim && (await this.claim.stillHeld()))) this.claim = await database.claim(WRITER_CLAIM);
      if (!this.claim) return; // another instance writes them
      const started = performance.now();
      const bytes = encodeSnapshot(image, 0);
      await saveSnapshot(database.db, { format: SNAPSHOT_FORMAT, position: 0, bytes, takenAt: clock.now(), logSnapshot: covers });
      log.info('replica snapshot saved', { covers, bytes: bytes.length, ms: Math.round(performance.now() - started) });
    } catch (error) {
      log.warn('could not save a replica snapshot; the next start reads more of the log', { error });
    }
  }

  /** Whether every transaction the snapshot counts as finished has begun on this server. */
  private async notAhead(covers: string): Promise<boolean> {
    const [row] = rowsOf<{ ok: boolean }>(
      await this.deps.database.db.execute(sql`select pg_snapshot_xmax(${covers}::pg_snapshot) <= pg_snapshot_xmax(pg_current_snapshot()) as ok`),
    );
    return row?.ok === true;
  }
}
