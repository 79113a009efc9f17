import { describe, expect, test } from 'bun:test';
import type { EventEnvelope } from './envelope';
import { envelopeProblem, EventCodec, rowToEnvelope, type EventContract } from './event-codec';

/**
 * A contract that changed twice, as a module's would: version 1 had one `name`, version 2 split
 * it, version 3 renamed `id` to `itemId`. Each upcaster is one pure step.
 */
type Renamed = { type: 'ItemNamed'; data: { itemId: number; first: string; last: string } };
const contract: EventContract<Renamed> = {
  ItemNamed: {
    current: 3,
    upcasters: {
      1: (d) => {
        const { name, ...rest } = d as { name: string };
        const [first = '', ...last] = name.split(' ');
        return { ...rest, first, last: last.join(' ') };
      },
      2: (d) => {
        const { id, ...rest } = d as { id: number };
        return { itemId: id, ...rest };
      },
    },
    problem: (d) => (typeof d.itemId === 'number' && typeof d.first === 'string' ? undefined : 'no itemId or first'),
  },
};
const codec = new EventCodec<Renamed>(contract);

const stored = (schemaVersion: number, data: unknown, type = 'ItemNamed'): EventEnvelope => ({
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  type,
  schemaVersion,
  streamId: 'item-1',
  streamVersion: 1,
  occurredAt: '2025-01-01T00:00:00.000Z',
  data,
  metadata: { correlationId: 'c' },
});

/** Given a stored envelope, when it is decoded, then it reads as this (or fails for this reason). */
const given = (e: EventEnvelope) => ({
  thenReadsAs: (data: unknown) => expect(codec.decode(e) as object).toEqual({ ok: true, event: { ...e, schemaVersion: 3, data } }),
  thenFails: (fate: string, reason: string) => expect(codec.decode(e) as object).toMatchObject({ ok: false, fate, reason: expect.stringContaining(reason) }),
});

describe('upcasting', () => {
  test('version 1 climbs every step to the current version', () => {
    given(stored(1, { id: 1, name: 'Ada King Lovelace' })).thenReadsAs({ itemId: 1, first: 'Ada', last: 'King Lovelace' });
  });

  test('version 2 takes only the steps after it', () => {
    given(stored(2, { id: 1, first: 'Ada', last: 'L' })).thenReadsAs({ itemId: 1, first: 'Ada', last: 'L' });
  });

  test('the current version is handed over as it is, the same object', () => {
    const e = stored(3, { itemId: 1, first: 'A', last: 'B' });
    expect(codec.decode(e) as object).toEqual({ ok: true, event: e });
    expect((codec.decode(e) as { event: unknown }).event).toBe(e);
  });

  test('a version newer than the code is not guessed at', () => {
    given(stored(4, { itemId: 1, first: 'A', last: 'B' })).thenFails('unknown-version', 'ItemNamed schemaVersion 4 cannot be read: this code knows versions 1 to 3');
  });

  test('a gap in the upcasters is an unknown version too', () => {
    const gappy = new EventCodec<Renamed>({ ItemNamed: { ...contract.ItemNamed, upcasters: { 2: contract.ItemNamed.upcasters![2]! } } });
    expect(gappy.decode(stored(1, { id: 1, name: 'A B' })) as object).toMatchObject({ ok: false, fate: 'unknown-version' });
  });

  test('an unknown type and data the contract refuses say so', () => {
    given(stored(3, {}, 'ItemDropped')).thenFails('unknown-type', 'unknown event type "ItemDropped"');
    given(stored(3, { first: 'A' })).thenFails('malformed', 'malformed ItemNamed: no itemId or first');
    given(stored(3, null)).thenFails('malformed', 'data is not an object');
  });

  test('decodeOwn stops on what its own store cannot read', () => {
    expect(() => codec.decodeOwn(stored(9, {}))).toThrow(/cannot be read/);
    expect(codec.currentVersion('ItemNamed')).toBe(3);
  });
});

describe('envelopes', () => {
  test('a row maps to the envelope the store was given', () => {
    const e = stored(1, { id: 1, name: 'A' });
    const row = { eventId: e.id, type: e.type, schemaVersion: 1, streamId: e.streamId, streamVersion: 1, occurredAt: new Date(e.occurredAt), data: e.data, metadata: e.metadata };
    expect(rowToEnvelope(row)).toEqual(e);
  });

  test.each([
    ['not an object', [], 'value is not a JSON object'],
    ['an id that is not a UUID', { ...stored(1, {}), id: 'x' }, 'malformed id'],
    ['version 0', { ...stored(1, {}), streamVersion: 0 }, 'streamVersion'],
    ['a version no integer column holds', { ...stored(1, {}), schemaVersion: 2 ** 31 }, 'schemaVersion'],
    ['a bad time', { ...stored(1, {}), occurredAt: 'yesterday' }, 'occurredAt'],
    ['no data', { ...stored(1, {}), data: undefined }, 'data'],
  ])('refuses %s', (_name, value, reason) => {
    expect(envelopeProblem(value)).toContain(reason);
  });

  test('accepts a well-formed envelope', () => {
    expect(envelopeProblem(stored(1, {}))).toBeUndefined();
  });
});
