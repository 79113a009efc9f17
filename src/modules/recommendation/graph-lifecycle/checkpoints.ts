import type { Clock } from '../../../platform/clock';
import type { Db } from '../../../platform/db/database';
import type { Logger } from '../../../platform/log';
import type { DurableGraph } from '../graph/social-graph';
import { lastLogPosition } from './log-position';

const CHECKPOINT_EVERY_MS = 5000;

/**
 * Keeps a durable graph's checkpoint (see DurableGraph) close behind the log: at most every few
 * seconds after a batch, and when the module stops. Only a graph that holds the whole log may have
 * one saved: not before its catch-up, nor while a rebuild has it cleared.
 */
export class Checkpoints {
  /** Whether the graph holds the whole log. */
  private complete = false;
  private savedAt = Number.NEGATIVE_INFINITY;
  /** The last save; the consumer does not wait for it, stop() does. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { db: Db; graph: DurableGraph; clock: Clock; log: Logger }) {}

  /** The saved checkpoint. */
  checkpoint(): Promise<number> {
    return this.deps.graph.checkpoint();
  }

  /** The graph now holds the whole log (after a catch-up or a reload). */
  markComplete(): void {
    this.complete = true;
  }

  /** Saves the last log position: every row is applied or in a batch the bus will deliver again. Never throws. */
  save(force: boolean): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (!this.complete || (!force && now - this.savedAt < CHECKPOINT_EVERY_MS)) return this.saving;
    this.savedAt = now;
    return (this.saving = (async () => {
      try {
        await this.deps.graph.saveCheckpoint(await lastLogPosition(this.deps.db));
      } catch (error) {
        this.deps.log.warn('could not save the graph checkpoint; the next start replays more of the log', { error });
      }
    })());
  }

  /** Before the graph is cleared: a save still in flight must not land on it, or the next start would skip rows. */
  async suspend(): Promise<void> {
    this.complete = false;
    await this.saving;
  }

  async resume(): Promise<void> {
    this.complete = true;
    await this.save(true);
  }

  /** Waits for the save in flight, then records the last position. */
  async stop(): Promise<void> {
    await this.saving;
    await this.save(true);
  }
}
