import type { Db, Tx } from '../db/database';
import { stale } from '../errors';
import type { CommandMetrics } from './command-metrics';
import { epochOf } from '../tracing/spans';
import { continueTrace, formatTraceparent } from '../tracing/traceparent';
import type { DomainEvent, EventEnvelope, EventMetadata } from './envelope';
import type { EventCodec } from './event-codec';
import { appendToStream, ConcurrentAppendError, readStream } from './event-store';

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
  /**
   * The stream cannot exist yet, because its id was just allocated (e.g. from a sequence): reading
   * it is skipped, one query less on the hottest command. The unique (stream, version) index still
   * refuses a second first event, as a conflict.
   */
  streamIsNew?: boolean;
  metadata: EventMetadata;
  occurredAt: Date;
  /** Updates the read model in the same transaction. */
  project(tx: Tx, appended: EventEnvelope<Event>[], state: State): Promise<void>;
  /** Counts the appended events after commit. */
  metrics?: Pick<CommandMetrics, 'appended' | 'spans'>;
  /** The command's name, for its span (e.g. `AddFriend`). */
  command?: string;
  /** The stream's contract: reads old versions as current, and stamps new events with the current one. */
  codec?: EventCodec<Event>;
}

export interface CommandResult<State, Event extends DomainEvent> {
  state: State;
  version: number;
  appended: EventEnvelope<Event>[];
}

/** Re-runs of a command that lost a race without a precondition; more would only add load under contention. */
const ATTEMPTS_WITHOUT_PRECONDITION = 3;

/**
 * The event-sourcing loop: load the stream, fold it into state, decide, append with the expected
 * version, project. One local transaction; the outbox relay publishes after commit.
 *
 * Losing the append race to a concurrent writer means different things. With a precondition
 * (If-Match) the client's view is now stale: 412, whatever the timing. Without one the decision
 * is simply made again on the fresh state, which then accepts or rejects it (a second add of the
 * same friendship is a 409 from the decider, not from the race).
 */
export async function handleCommand<State, Event extends DomainEvent>(
  db: Db,
  spec: CommandSpec<State, Event>,
): Promise<CommandResult<State, Event>> {
  const spans = spec.metrics?.spans;
  if (!spans?.enabled || !spec.metadata.traceparent) return retrying(db, spec);
  // A span of its own, child of the request's; the events carry it, so their publication and
  // consumption hang under the command that made them.
  const trace = continueTrace(spec.metadata.traceparent);
  const startedAt = performance.now();
  let error: string | undefined;
  let result: CommandResult<State, Event> | undefined;
  try {
    result = await retrying(db, { ...spec, metadata: { ...spec.metadata, traceparent: formatTraceparent(trace) } });
    return result;
  } catch (e) {
    error = (e as Error).message;
    throw e;
  } finally {
    spans.record({
      name: `command ${spec.command ?? spec.topic}`,
      kind: 'internal',
      trace,
      startedAt: epochOf(startedAt),
      endedAt: epochOf(performance.now()),
      attributes: { 'event.stream_id': spec.streamId, 'events.appended': result?.appended.length ?? 0, ...(result ? { 'event.stream_version': result.version } : {}) },
      ...(error !== undefined ? { error } : {}),
    });
  }
}

async function retrying<State, Event extends DomainEvent>(db: Db, spec: CommandSpec<State, Event>): Promise<CommandResult<State, Event>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptCommand(db, spec);
    } catch (error) {
      if (!(error instanceof ConcurrentAppendError) || spec.streamIsNew) throw error;
      if (spec.expectedVersion !== undefined) throw stale(`${spec.streamId} was changed by a concurrent command since version ${spec.expectedVersion}; reload it and retry`);
      if (attempt >= ATTEMPTS_WITHOUT_PRECONDITION) throw error;
    }
  }
}

async function attemptCommand<State, Event extends DomainEvent>(db: Db, spec: CommandSpec<State, Event>): Promise<CommandResult<State, Event>> {
  const result = await db.transaction(async (tx) => {
    const codec = spec.codec;
    const history = spec.streamIsNew ? [] : await readStream<Event>(tx, spec.streamId, codec && ((e) => codec.decodeOwn(e) as EventEnvelope<Event>));
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
      schemaVersionOf: codec && ((type) => codec.currentVersion(type as Event['type'])),
    });
    const state = appended.reduce(fold, current);
    await spec.project(tx, appended, state);
    return { state, version: history.length + appended.length, appended };
  });
  spec.metrics?.appended(result.appended);
  return result;
}
