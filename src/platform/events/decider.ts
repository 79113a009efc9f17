import type { Aggregate, DomainCommand } from './aggregate';
import type { DomainEvent } from './envelope';

/**
 * One command's part of an aggregate's decider, declared in the use case's own folder: how the
 * command is decided, and how the events it causes change the state. Both stay pure.
 */
export interface CommandDecision<Command extends DomainCommand, State, Event extends DomainEvent> {
  command: Command['type'];
  decide(command: Command, state: State): Event[];
  /** The state after each event this command causes, keyed by event type. */
  evolves: { [E in Event as E['type']]?: (state: State, event: E) => State };
}

/** The command type a list of decisions accepts, as a union; and the state and events they share. */
export type CommandOf<D> = D extends CommandDecision<infer Command, any, any> ? Command : never;
type StateOf<D> = D extends CommandDecision<any, infer State, any> ? State : never;
type EventOf<D> = D extends CommandDecision<any, any, infer Event> ? Event : never;

/** An aggregate put together from its use cases' decisions, naming every command it takes (e.g. to start each one's counters at 0). */
export type DeclaredAggregate<Command extends DomainCommand, State, Event extends DomainEvent> = Aggregate<Command, State, Event> & {
  commandTypes: readonly Command['type'][];
};

/**
 * Declares an aggregate from its use cases' decisions plus where its events live. `rule` runs
 * before every command, for what holds whatever the command (e.g. "nobody is their own friend"),
 * so it is written once. Checked when declared, so a module with a gap does not load: every event
 * type of the codec's contract has exactly one evolve, and no command is decided twice.
 */
export function declareAggregate<Decision extends CommandDecision<any, any, any>, State = StateOf<Decision>, Event extends DomainEvent = EventOf<Decision>>(
  declaration: Omit<Aggregate<CommandOf<Decision>, State, Event>, 'evolve' | 'decide'> & {
    decisions: readonly Decision[];
    rule?(command: CommandOf<Decision>, state: State): void;
  },
): DeclaredAggregate<CommandOf<Decision>, State, Event> {
  const { decisions, rule, ...where } = declaration;
  const deciders = new Map<string, Decision>();
  const evolvers = new Map<string, (state: State, event: Event) => State>();
  for (const decision of decisions) {
    if (deciders.has(decision.command)) throw new Error(`command ${decision.command} is decided twice`);
    deciders.set(decision.command, decision);
    for (const [type, evolve] of Object.entries(decision.evolves)) {
      if (evolvers.has(type)) throw new Error(`event ${type} is evolved twice`);
      evolvers.set(type, evolve as (state: State, event: Event) => State);
    }
  }
  const missing = where.codec.eventTypes.filter((type) => !evolvers.has(type));
  if (missing.length > 0) throw new Error(`no evolve for event ${missing.join(', ')}`);
  return {
    ...where,
    commandTypes: decisions.map((decision) => decision.command),
    evolve: (state, event) => {
      const evolve = evolvers.get(event.type);
      if (!evolve) throw new Error(`no evolve for event ${event.type}`);
      return evolve(state, event);
    },
    decide: (command, state) => {
      const decision = deciders.get(command.type);
      if (!decision) throw new Error(`no decision for command ${command.type}`);
      rule?.(command, state);
      return decision.decide(command, state);
    },
  };
}
