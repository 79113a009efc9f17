import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { stale } from '../errors';
import { epochOf } from '../tracing/spans';
import { continueTrace, formatTraceparent } from '../tracing/traceparent';
import type { Aggregate, DomainCommand } from './aggregate';
import type { CommandMetrics } from './command-metrics';
import type { DomainEvent, EventMetadata } from './envelope';
import { ConcurrentAppendError } from './event-store';
import { GroupCommit, type CommandResult } from './group-commit';

export type { CommandResult } from './group-commit';

export interface CommandContext {
  metadata: EventMetadata;
  /** Precondition (If-Match): the stream version the client last saw. */
  expectedVersion?: number;
}

export interface CommandRunner<Command extends DomainCommand, State, Event extends DomainEvent> {
  /** Loads the command's stream, decides, appends and projects in one transaction, shared with concurrent commands. */
  run(command: Command, context: CommandContext): Promise<CommandResult<State, Event>>;
}

export interface CommandRunnerOptions {
  clock: Clock;
  /** Counts the appended events after commit and the batch sizes, and records the command's span. */
  metrics?: Pick<CommandMetrics, 'appended' | 'batched' | 'spans'>;
  /** After a commit that appended events: wake the outbox relay, the consistency gate. */
  onCommitted?(): void;
  /** Most commands sharing one transaction (default 64). */
  maxBatch?: number;
  /**
   * Transactions running at once. Default: 1 on a database this process owns (PGlite runs one
   * statement at a time, so a second transaction would only queue inside it), 4 on a server, where
   * a transaction mostly waits for round trips and its commit's flush.
   */
  parallelBatches?: number;
  /** Told each batch's size as it starts; default: `metrics.batched`. */
  observeBatch?(size: number): void;
}

/** Re-runs of a command that lost a race without a precondition; more would only add load under contention. */
const ATTEMPTS_WITHOUT_PRECONDITION = 3;

/**
 * Runs an aggregate's commands: the event-sourcing loop (load, fold, decide, append with the
 * expected version, project; one local transaction, the relay publishing after commit) through
 * group commit (see group-commit.ts), with the command's span, metrics and retries around it.
 *
 * Losing the append race to a concurrent writer means different things. With a precondition
 * (If-Match) the client's view is now stale: 412, whatever the timing. Without one the decision
 * is simply made again on the fresh state, which then accepts or rejects it (a second add of the
 * same friendship is a 409 from the decider, not from the race).
 */
export function commandRunner<Command extends DomainCommand, State, Event extends DomainEvent>(
  database: Pick<Database, 'db' | 'ownedByThisProcess'>,
  aggregate: Aggregate<Command, State, Event>,
  options: CommandRunnerOptions,
): CommandRunner<Command, State, Event> {
  const parallel = options.parallelBatches ?? (database.ownedByThisProcess ? 1 : 4);
  const commits = new GroupCommit(database.db, aggregate, { maxBatch: options.maxBatch ?? 64, parallel, observeBatch: options.observeBatch ?? options.metrics?.batched });

  async function retrying(command: Command, { expectedVersion }: CommandContext, metadata: EventMetadata, occurredAt: Date) {
    const streamId = aggregate.streamId(command);
    for (let attempt = 1; ; attempt++) {
      try {
        return await commits.submit({ command, streamId, expectedVersion, metadata, occurredAt });
      } catch (error) {
        if (!(error instanceof ConcurrentAppendError) || aggregate.startsStream?.(command)) throw error;
        if (expectedVersion !== undefined) throw stale(`${streamId} was changed by a concurrent command since version ${expectedVersion}; reload it and retry`);
        if (attempt >= ATTEMPTS_WITHOUT_PRECONDITION) throw error;
      }
    }
  }

  return {
    async run(command, context) {
      const occurredAt = options.clock.now();
      const result = await traced(options.metrics?.spans, command.type, aggregate.streamId(command), context.metadata, (metadata) =>
        retrying(command, context, metadata, occurredAt),
      );
      options.metrics?.appended(result.appended);
      if (result.appended.length > 0) options.onCommitted?.();
      return result;
    },
  };
}

/**
 * A span of the command's own, child of the request's; the events carry it, so their publication
 * and consumption hang under the command that made them.
 */
async function traced<R extends CommandResult<unknown, DomainEvent>>(
  spans: CommandMetrics['spans'],
  command: string,
  streamId: string,
  metadata: EventMetadata,
  work: (metadata: EventMetadata) => Promise<R>,
): Promise<R> {
  if (!spans?.enabled || !metadata.traceparent) return work(metadata);
  const trace = continueTrace(metadata.traceparent);
  const startedAt = performance.now();
  let error: string | undefined;
  let result: R | undefined;
  try {
    result = await work({ ...metadata, traceparent: formatTraceparent(trace) });
    return result;
  } catch (e) {
    error = (e as Error).message;
    throw e;
  } finally {
    spans.record({
      name: `command ${command}`,
      kind: 'internal',
      trace,
      startedAt: epochOf(startedAt),
      endedAt: epochOf(performance.now()),
      attributes: { 'event.stream_id': streamId, 'events.appended': result?.appended.length ?? 0, ...(result ? { 'event.stream_version': result.version } : {}) },
      ...(error !== undefined ? { error } : {}),
    });
  }
}
