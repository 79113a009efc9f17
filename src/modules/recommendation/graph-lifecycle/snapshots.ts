import type { Clock } from '../../../platform/clock';
import type { Db } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import { MemoryGraph } from '../graph/memory-graph';
import { lastLogPosition } from './log-position';
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_FORMAT, SnapshotMismatch } from './snapshot-codec';
import { checksumOf, loadNewestSnapshot, saveSnapshot } from './snapshot-store';

/** Log rows applied since the last snapshot that make the next one worth its write (a few MB per 100k users). */
export const SNAPSHOT_EVERY_EVENTS = 100_000;

export interface SnapshotsDeps {
  db: Db;
  /** The module's graph; a rebuild swaps its content in place (adopt), so it stays the one to snapshot. */
  graph: MemoryGraph;
  /** Runs work between live groups: the image and the log position are taken at one instant. */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  clock: Clock;
  log: Logger;
  everyEvents?: number;
}

/**
 * Durable snapshots of the in-memory graph, so that a restart loads one and replays only the log
 * rows after it instead of the whole log. A snapshot is derived data: one that does not match
 * (checksum, format, a position beyond the log, bytes that do not decode) is ignored with a
 * warning and the whole log replayed.
 */
export class Snapshots {
  /** Log position the newest snapshot covers (saved or loaded). */
  private covered = 0;
  /** The consumer's count of new log rows when the last snapshot was started. */
  private storedAtLast = 0;
  private saving: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: SnapshotsDeps) {}

  /** Loads the newest snapshot that matches this log into the graph; returns the position to replay after (0: none). */
  async restore(): Promise<{ position: number; ignored?: string }> {
    const { db, graph, log } = this.deps;
    const stored = await loadNewestSnapshot(db);
    if (!stored) return { position: 0 };
    try {
      if (stored.format !== SNAPSHOT_FORMAT) throw new SnapshotMismatch(`snapshot format ${stored.format}, this version reads ${SNAPSHOT_FORMAT}`);
      if (checksumOf(stored.bytes) !== stored.checksum) throw new SnapshotMismatch('the checksum does not match the bytes');
      const { image, position } = decodeSnapshot(stored.bytes);
      if (position !== stored.position) throw new SnapshotMismatch(`the bytes cover position ${position}, the header says ${stored.position}`);
      const last = await lastLogPosition(db);
      if (position > last) throw new SnapshotMismatch(`it covers log position ${position}, beyond the log's last ${last}`);
      graph.adopt(MemoryGraph.fromImage(image));
      this.covered = position;
      return { position };
    } catch (error) {
      const reason = error instanceof SnapshotMismatch || error instanceof RangeError ? error.message : String(error);
      log.warn('ignored the graph snapshot: replaying the whole log', { reason });
      await graph.clear();
      return { position: 0, ignored: reason };
    }
  }

  /** Whether `events` replayed or received since the last snapshot make a new one worth writing. */
  due(events: number): boolean {
    return events >= (this.deps.everyEvents ?? SNAPSHOT_EVERY_EVENTS);
  }

  /** After a batch, given the consumer's running count of new log rows: snapshots in the background when due. */
  afterBatch(stored: number): void {
    if (this.saving || this.stopped || !this.due(stored - this.storedAtLast)) return;
    this.storedAtLast = stored;
    void this.take();
  }

  /**
   * Takes a snapshot: the image is read between live groups (a synchronous copy of the graph's
   * columns), then encoded and written while events go on being applied. Never throws.
   */
  take(): Promise<void> {
    return (this.saving ??= (async () => {
      const { db, graph, exclusive, clock, log } = this.deps;
      try {
        const started = performance.now();
        const { image, position } = await exclusive(async () => ({ position: await lastLogPosition(db), image: graph.image() }));
        const heldMs = performance.now() - started;
        if (position <= this.covered) return;
        const bytes = encodeSnapshot(image, position);
        await saveSnapshot(db, { format: SNAPSHOT_FORMAT, position, bytes, takenAt: clock.now() });
        this.covered = position;
        // heldMs: how long the projector waited for the image; the rest ran beside it.
        log.info('graph snapshot saved', { position, bytes: bytes.length, heldMs: Math.round(heldMs), ms: Math.round(performance.now() - started) });
      } catch (error) {
        log.warn('could not save a graph snapshot; the next start replays more of the log', { error });
      } finally {
        this.saving = undefined;
      }
    })());
  }

  /** Waits for a snapshot being written; starts no new one. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.saving;
  }
}
