import type { Queryable } from '../db/database';
import type { Aggregate, DomainCommand } from './aggregate';
import type { DomainEvent, EnvelopeOf } from './envelope';

/**
 * One command's part of an aggregate, declared in the use case's own folder: how the command is
 * decided, how the events it causes change the state (both pure), and how they change the
 * module's read model.
 */
export interface CommandDecision<Command extends DomainCommand, State, Event extends DomainEvent> {
  command: Command['type'];
  decide(command: Command, state: State): Event[];
  /** The state after each event this command causes, keyed by event type. */
  evolves: { [E in Event as E['type']]?: (state: State, event: E) => State };
  /**
   * The read model's change for each event this command causes, keyed by event type, inside the
   * transaction that appends them. Given all such events of a committed batch at once, so commands
   * committed together share one multi-row statement.
   */
  projects: { [E in Event as E['type']]?: (tx: Queryable, events: EnvelopeOf<E>[]) => Promise<void> };
}

type Projector = (tx: Queryable, events: EnvelopeOf<DomainEvent>[]) => Promise<void>;

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
 * type of the codec's contract has exactly one evolve and one projection, and no command is
 * decided twice.
 */
export function declareAggregate<Decision extends CommandDecision<any, any, any>, State = StateOf<Decision>, Event extends DomainEvent = EventOf<Decision>>(
  declaration: Omit<Aggregate<CommandOf<Decision>, State, Event>, 'evolve' | 'decide' | 'project'> & {
    decisions: readonly Decision[];
    rule?(command: CommandOf<Decision>, state: State): void;
  },
): DeclaredAggregate<CommandOf<Decision>, State, Event> {
  const { decisions, rule, ...where } = declaration;
  const deciders = new Map<string, Decision>();
  const evolvers = new Map<string, (state: State, event: Event) => State>();
  const projectors = new Map<string, Projector>();
  const collect = <F>(into: Map<string, F>, what: string, entries: object) => {
    for (const [type, f] of Object.entries(entries)) {
      if (into.has(type)) throw new Error(`event ${type} is ${what} twice`);
      into.set(type, f as F);
    }
  };
  for (const decision of decisions) {
    if (deciders.has(decision.command)) throw new Error(`command ${decision.command} is decided twice`);
    deciders.set(decision.command, decision);
    collect(evolvers, 'evolved', decision.evolves);
    collect(projectors, 'projected', decision.projects);
  }
  for (const [what, map] of [['evolve', evolvers], ['projection', projectors]] as const) {
    const missing = where.codec.eventTypes.filter((type) => !map.has(type));
    if (missing.length > 0) throw new Error(`no ${what} for event ${missing.join(', ')}`);
  }
  return {
    ...where,
    project: (tx, appended) => projectInLayers(tx, appended, projectors),
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

/**
 * Applies a batch of appended events to the read model, each event type's share in one call. A
 * read-model row belongs to one stream, so events of different streams commute and only each
 * stream's own order matters: the batch is cut into layers (every stream's first event, then every
 * stream's second, ...) and each layer grouped by type. Commands committed together usually make
 * one layer.
 */
async function projectInLayers(tx: Queryable, appended: readonly EnvelopeOf<DomainEvent>[], projectors: Map<string, Projector>): Promise<void> {
  const depth = new Map<string, number>();
  const layers: Map<string, EnvelopeOf<DomainEvent>[]>[] = [];
  for (const event of appended) {
    const d = depth.get(event.streamId) ?? 0;
    depth.set(event.streamId, d + 1);
    const layer = (layers[d] ??= new Map());
    const group = layer.get(event.type);
    if (group) group.push(event);
    else layer.set(event.type, [event]);
  }
  for (const layer of layers) {
    for (const [type, events] of layer) {
      const project = projectors.get(type);
      if (!project) throw new Error(`no projection for event ${type}`);
      await project(tx, events);
    }
  }
}
