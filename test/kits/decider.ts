import { expect } from 'bun:test';
import { DomainError, type DomainErrorKind } from '../../src/platform/errors';

/**
 * Given/when/then for pure deciders: given past events, when a command is decided, then expect
 * these new events, or a rejection of this kind.
 */
export function deciderSpec<State, Command, Event>(decider: {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}) {
  return (given: Event[]) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState));
      return {
        then: (expected: Event[]) => expect(run()).toEqual(expected),
        thenRejects: (kind: DomainErrorKind, message?: RegExp) => {
          try {
            run();
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect((error as DomainError).kind).toBe(kind);
            if (message) expect((error as DomainError).message).toMatch(message);
            return;
          }
          throw new Error(`expected a ${kind} rejection, but the command was accepted`);
        },
      };
    },
  });
}
