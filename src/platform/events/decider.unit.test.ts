import { describe, expect, test } from 'bun:test';
import { declareAggregate, type CommandDecision } from './decider';
import { EventCodec } from './event-codec';

// A counter that only goes up, in steps that must be positive: small enough to see every rule.
type Counted = { type: 'Counted'; data: { by: number } };
type Reset = { type: 'Reset'; data: Record<string, never> };
type Event = Counted | Reset;
type Count = { type: 'Count'; data: { by: number } };
type Clear = { type: 'Clear'; data: { by: number } };

// What the projections were given, call by call: `type:stream,stream`.
const projected: string[] = [];
const record = async (_tx: unknown, events: { type: string; streamId: string }[]) => void projected.push(`${events[0]!.type}:${events.map((e) => e.streamId).join(',')}`);
const count: CommandDecision<Count, number, Event> = {
  command: 'Count',
  decide: (command) => [{ type: 'Counted', data: { by: command.data.by } }],
  evolves: { Counted: (state, event) => state + event.data.by },
  projects: { Counted: record },
};
const clear: CommandDecision<Clear, number, Event> = {
  command: 'Clear',
  decide: (_command, state) => (state === 0 ? [] : [{ type: 'Reset', data: {} }]),
  evolves: { Reset: () => 0 },
  projects: { Reset: record },
};
const anyData = { current: 1, problem: () => undefined };
const codec = new EventCodec<Event>({ Counted: anyData, Reset: anyData });
// Where the events would live: not used by deciding.
const where = { streamId: () => 'counter-1', topic: 'counter-events', codec };
const positive = (command: Count | Clear) => {
  if (command.data.by <= 0) throw new Error('steps are positive');
};

describe('declareAggregate', () => {
  const decider = declareAggregate({ ...where, initialState: 0, decisions: [count, clear], rule: positive });

  test('sends each command to its own decision, and each event to the evolve declared with it', () => {
    const history: Event[] = [{ type: 'Counted', data: { by: 2 } }, { type: 'Counted', data: { by: 3 } }];
    const state = history.reduce(decider.evolve, decider.initialState);
    expect(state).toBe(5);
    expect(decider.decide({ type: 'Clear', data: { by: 1 } }, state)).toEqual([{ type: 'Reset', data: {} }]);
    expect(decider.evolve(state, { type: 'Reset', data: {} })).toBe(0);
    expect(decider.commandTypes).toEqual(['Count', 'Clear']);
  });

  test('applies the shared rule before every command', () => {
    expect(() => decider.decide({ type: 'Count', data: { by: 0 } }, 0)).toThrow('steps are positive');
    expect(() => decider.decide({ type: 'Clear', data: { by: -1 } }, 3)).toThrow('steps are positive');
  });

  test('refuses to be declared with an event no decision evolves', () => {
    expect(() => declareAggregate({ ...where, initialState: 0, decisions: [count] })).toThrow('no evolve for event Reset');
  });

  test('refuses a command decided twice, or an event evolved twice', () => {
    expect(() => declareAggregate({ ...where, initialState: 0, decisions: [count, clear, count] })).toThrow('command Count is decided twice');
    const clearToo = { ...clear, command: 'ClearToo' as 'Clear' };
    expect(() => declareAggregate({ ...where, initialState: 0, decisions: [count, clear, clearToo] })).toThrow('event Reset is evolved twice');
  });

  test('refuses an event no decision projects, or one projected twice', () => {
    const unprojected = { ...clear, projects: {} };
    expect(() => declareAggregate({ ...where, initialState: 0, decisions: [count, unprojected] })).toThrow('no projection for event Reset');
    const countToo = { ...count, command: 'CountToo' as 'Count', evolves: {} };
    expect(() => declareAggregate({ ...where, initialState: 0, decisions: [count, clear, countToo] })).toThrow('event Counted is projected twice');
  });

  test("projects a batch type by type, each stream's events still in order", async () => {
    const envelope = (type: Event['type'], streamId: string) => ({ id: crypto.randomUUID(), type, schemaVersion: 1, streamId, streamVersion: 1, occurredAt: '', metadata: { correlationId: 'c' }, data: type === 'Counted' ? { by: 1 } : {} }) as never;
    projected.length = 0;
    // counter-2 was counted, then reset: grouping the batch by type alone would reset it first.
    await decider.project({} as never, [envelope('Reset', 'counter-1'), envelope('Counted', 'counter-2'), envelope('Counted', 'counter-3'), envelope('Reset', 'counter-2')]);
    expect(projected).toEqual(['Reset:counter-1', 'Counted:counter-2,counter-3', 'Reset:counter-2']);
  });

  test('a command it does not know is a programming error, not a domain rejection', () => {
    expect(() => decider.decide({ type: 'Double' } as never, 0)).toThrow('no decision for command Double');
  });
});
