import type { Queryable } from '../db/database';
import type { DomainEvent, EnvelopeOf } from './envelope';
import type { EventCodec } from './event-codec';

/** A command as the platform sees it: its `type` names its span (e.g. `command AddFriend`). */
export interface DomainCommand {
  type: string;
}

/**
 * An event-sourced aggregate, declared once by the module that owns it and run by the platform
 * (see command-runner.ts), in the spirit of Emmett's decider: pure `evolve` and `decide`, plus
 * where its events live and how they reach the module's read model.
 */
export interface Aggregate<Command extends DomainCommand, State, Event extends DomainEvent> {
  initialState: State;
  evolve(state: State, event: Event): State;
  /** Pure: the events the command causes in this state (none is fine); throws a DomainError to reject it. */
  decide(command: Command, state: State): Event[];
  /** The stream holding the command's aggregate, e.g. `user-42`. */
  streamId(command: Command): string;
  /** Where the relay publishes the events. */
  topic: string;
  /**
   * True when the command's stream cannot exist yet because its id was just allocated (e.g. from a
   * sequence): reading it is skipped. The unique (stream, version) index still refuses a second
   * first event, as a conflict.
   */
  startsStream?(command: Command): boolean;
  /**
   * Applies new events to the read model inside the transaction that appends them. The events may
   * come from several streams (commands committed together), each stream's in version order.
   */
  project(tx: Queryable, appended: readonly EnvelopeOf<Event>[]): Promise<void>;
  /**
   * Rows that commands bring along and that must commit with their events, never without: e.g. a
   * new user's data key, which the event is sealed with but must not carry. Called in the append's
   * transaction, once for all commands of a batch that decided events.
   */
  storeAlongside?(tx: Queryable, commands: readonly Command[]): Promise<void>;
  /** The events' contract: reads stored old versions as the current one, and stamps new events with it. */
  codec: EventCodec<Event>;
}
