import type { Db } from '../db/database';
import { stale } from '../errors';
import type { Aggregate, DomainCommand } from './aggregate';
import type { DomainEvent, EnvelopeOf, EventEnvelope, EventMetadata } from './envelope';
import { appendToStreams, readStreams } from './event-store';

export interface CommandResult<State, Event extends DomainEvent> {
  state: State;
  /** The stream's version after the command (unchanged when it decided no event). */
  version: number;
  appended: EventEnvelope<Event>[];
}

/** One command waiting for its transaction. */
export interface PendingCommand<Command> {
  command: Command;
  streamId: string;
  /** If-Match: the stream version the client last saw. */
  expectedVersion?: number;
  metadata: EventMetadata;
  occurredAt: Date;
}

type Waiting<Command, State, Event extends DomainEvent> = PendingCommand<Command> & {
  resolve(result: CommandResult<State, Event>): void;
  reject(error: unknown): void;
};

type Outcome<State, Event extends DomainEvent> = { ok: true; result: CommandResult<State, Event> } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  /** Most commands in one transaction. */
  maxBatch: number;
  /** Transactions running at once: 1 where the engine runs one statement at a time (PGlite). */
  parallel: number;
  /** Told the size of each batch as it starts (for the batch-size histogram). */
  observeBatch?(size: number): void;
}

/**
 * Group commit. Commands submitted in one turn of the event loop share a transaction as soon as a
 * slot is free (see startSoon), so a lone command waits for nobody. Commands that arrive while
 * every slot is busy queue and then share the next transaction: one read of all their streams, one
 * multi-row append with the outbox entries, one projection call, one commit. On PGlite, which runs one statement at a time, and on PostgreSQL,
 * where each commit waits for a disk flush, that is most of a command's cost shared N ways.
 *
 * Each command is still decided on its own stream and checked against its own expected version,
 * and a rejection answers only that command. A stream has at most one command in flight, so a
 * second command on a stream decides on the first one's events. When the batch's transaction
 * fails (a concurrent writer on one of the streams, or any error), each of its commands runs again
 * in a transaction of its own: the one at fault fails alone and its batch-mates commit.
 */
export class GroupCommit<Command extends DomainCommand, State, Event extends DomainEvent> {
  private waiting: Waiting<Command, State, Event>[] = [];
  private running = 0;
  /** A start of batches is due at the end of this turn of the event loop. */
  private startDue = false;
  /** Streams of the transactions running now. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly aggregate: Aggregate<Command, State, Event>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Settles once the command's transaction committed (or with the command's own error). */
  submit(pending: PendingCommand<Command>): Promise<CommandResult<State, Event>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...pending, resolve, reject });
      this.startSoon();
    });
  }

  /**
   * Starts batches at the end of the event loop's turn rather than at the first submit. Requests
   * the loop took in together reach their submits one after another in the same turn; starting a
   * transaction at the first gave it one of its own, and the next ones theirs as each finished:
   * under 32 createUsers in flight nearly every transaction held one command, and a createUser's
   * store work on PGlite is about 0.45 ms alone against 0.07 ms in a batch of 32. Waiting for the
   * turn's end costs a lone command the rest of that turn, microseconds.
   */
  private startSoon(): void {
    if (this.startDue) return;
    this.startDue = true;
    setImmediate(() => {
      this.startDue = false;
      this.startBatches();
    });
  }

  /** Fills the free transaction slots with waiting commands. */
  private startBatches(): void {
    while (this.running < this.options.parallel && this.waiting.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) return; // all waiting commands are on busy streams
      this.running++;
      for (const entry of batch) this.busy.add(entry.streamId);
      this.options.observeBatch?.(batch.length);
      void this.commit(batch).finally(() => {
        this.running--;
        for (const entry of batch) this.busy.delete(entry.streamId);
        this.startBatches();
      });
    }
  }

  /** In arrival order, up to `maxBatch`, one per stream and none on a busy stream; the rest wait. */
  private takeBatch(): Waiting<Command, State, Event>[] {
    const batch: Waiting<Command, State, Event>[] = [];
    const later: Waiting<Command, State, Event>[] = [];
    const streams = new Set<string>();
    for (const entry of this.waiting) {
      if (batch.length < this.options.maxBatch && !streams.has(entry.streamId) && !this.busy.has(entry.streamId)) {
        batch.push(entry);
        streams.add(entry.streamId);
      } else later.push(entry);
    }
    this.waiting = later;
    return batch;
  }

  /** Never throws: every command of the batch is settled. */
  private async commit(batch: Waiting<Command, State, Event>[]): Promise<void> {
    let outcomes: Outcome<State, Event>[];
    try {
      outcomes = await this.commitTogether(batch);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const entry of batch) await this.commit([entry]);
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.result) : batch[i]!.reject(outcome.error)));
  }

  /** One transaction: read, decide each, append all, project all. Throws only for what fails the transaction. */
  private commitTogether(batch: readonly PendingCommand<Command>[]): Promise<Outcome<State, Event>[]> {
    const { aggregate } = this;
    const fold = (state: State, e: EventEnvelope<Event>) => aggregate.evolve(state, { type: e.type, data: e.data } as Event);
    const schemaVersionOf = (type: string) => aggregate.codec.currentVersion(type as Event['type']);
    return this.db.transaction(async (tx) => {
      const toRead = batch.filter((p) => !aggregate.startsStream?.(p.command)).map((p) => p.streamId);
      const histories = await readStreams<Event>(tx, toRead, (e) => aggregate.codec.decodeOwn(e) as EventEnvelope<Event>);
      const outcomes: Outcome<State, Event>[] = [];
      const decided: { index: number; current: State; version: number; events: Event[] }[] = [];
      batch.forEach((pending, index) => {
        try {
          const history = histories.get(pending.streamId) ?? [];
          if (pending.expectedVersion !== undefined && pending.expectedVersion !== history.length) {
            throw stale(`${pending.streamId} is at version ${history.length}, not ${pending.expectedVersion}; reload it and retry`);
          }
          const current = history.reduce(fold, aggregate.initialState);
          decided.push({ index, current, version: history.length, events: aggregate.decide(pending.command, current) });
        } catch (error) {
          outcomes[index] = { ok: false, error };
        }
      });
      const deciding = decided.filter((d) => d.events.length > 0).map((d) => batch[d.index]!.command);
      if (aggregate.storeAlongside && deciding.length > 0) await aggregate.storeAlongside(tx, deciding);
      const appended = await appendToStreams<Event>(
        tx,
        aggregate.topic,
        decided.map(({ index, version, events }) => ({ streamId: batch[index]!.streamId, expectedVersion: version, events, occurredAt: batch[index]!.occurredAt, metadata: batch[index]!.metadata, schemaVersionOf })),
        (all) => aggregate.project(tx, all as EnvelopeOf<Event>[]),
      );
      decided.forEach(({ index, current, version }, k) => {
        const events = appended[k]!;
        outcomes[index] = { ok: true, result: { state: events.reduce(fold, current), version: version + events.length, appended: events } };
      });
      return outcomes;
    });
  }
}
