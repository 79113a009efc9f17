import type { Db, Tx } from '../db/database';
import { stale } from '../errors';
import type { CommandMetrics } from './command-metrics';
import type { DomainEvent, EventEnvelope, EventMetadata } from './envelope';
import { appendToStream, readStream } from './event-store';

export interface Decider<State, Event extends DomainEvent> {
  initialState: State;
  evolve(state: State, event: Event): State;
}

export interface CommandSpec<State, Event extends DomainEvent> {
  streamId: string;
  topic: string;
  decider: Decider<State, Event>;
  /** Pure decision on the current state; throws a DomainError to reject. */
  decide(state: State): Event[];
  /** Optional precondition (If-Match): the stream version the client last saw. */
  expectedVersion?: number;
  metadata: EventMetadata;
  occurredAt: Date;
  /** Updates the read model in the same transaction. */
  project(tx: Tx, appended: EventEnvelope<Event>[], state: State): Promise<void>;
  /** Counts the appended events after commit. */
  metrics?: Pick<CommandMetrics, 'appended'>;
}

export interface CommandResult<State, Event extends DomainEvent> {
  state: State;
  version: number;
  appended: EventEnvelope<Event>[];
}

/**
 * The event-sourcing loop: load the stream, fold it into state, decide, append with the expected
 * version, project. One local transaction; the outbox relay publishes after commit.
 */
export async function handleCommand<State, Event extends DomainEvent>(
  db: Db,
  spec: CommandSpec<State, Event>,
): Promise<CommandResult<State, Event>> {
  const result = await db.transaction(async (tx) => {
    const history = await readStream<Event>(tx, spec.streamId);
    const fold = (state: State, e: EventEnvelope<Event>) => spec.decider.evolve(state, { type: e.type, data: e.data } as Event);
    const current = history.reduce(fold, spec.decider.initialState);
    if (spec.expectedVersion !== undefined && spec.expectedVersion !== history.length) {
      throw stale(`${spec.streamId} is at version ${history.length}, not ${spec.expectedVersion}; reload it and retry`);
    }
    const decided = spec.decide(current);
    const appended = await appendToStream(tx, decided, {
      streamId: spec.streamId,
      expectedVersion: history.length,
      topic: spec.topic,
      occurredAt: spec.occurredAt,
      metadata: spec.metadata,
    });
    const state = appended.reduce(fold, current);
    await spec.project(tx, appended, state);
    return { state, version: history.length + appended.length, appended };
  });
  spec.metrics?.appended(result.appended);
  return result;
}
