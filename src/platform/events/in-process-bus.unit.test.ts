import { expect, test } from 'bun:test';
import { DeadLetterError } from './bus';
import type { EventEnvelope } from './envelope';
import { InProcessBus } from './in-process-bus';

/** Envelopes named by a label (their ids are UUIDs, as the bus's edge requires). */
const ids = new Map<string, string>();
const labelOf = (id: string) => [...ids].find(([, v]) => v === id)?.[0] ?? id;
const event = (label: string): EventEnvelope => {
  const id = crypto.randomUUID();
  ids.set(label, id);
  return { id, type: 'T', schemaVersion: 1, streamId: 's', streamVersion: 1, occurredAt: '2025-01-01T00:00:00Z', data: {}, metadata: { correlationId: 'c' } };
};

test('a poison event is set aside and the rest of the batch is still delivered', async () => {
  const bus = new InProcessBus();
  const applied: string[] = [];
  await bus.subscribe({
    group: 'g', topics: ['t'],
    handle: async (_t, batch) => {
      const bad = batch.find((e) => labelOf(e.id).startsWith('bad'));
      if (bad) throw new DeadLetterError('cannot apply', labelOf(bad.id) === 'bad-named' ? bad.id : undefined);
      applied.push(...batch.map((e) => labelOf(e.id)));
    },
  });
  await bus.publish('t', [event('a'), event('bad-named'), event('b')]);
  await bus.publish('t', [event('c'), event('bad-anonymous'), event('d')]);
  expect(applied).toEqual(['a', 'b', 'c', 'd']);
  expect(bus.deadLetters.map((d) => labelOf(d.event.id))).toEqual(['bad-named', 'bad-anonymous']);
});

test('what is not an envelope is set aside at the edge, with its reason; handlers never see it', async () => {
  const bus = new InProcessBus();
  const seen: string[] = [];
  const reported: string[] = [];
  await bus.subscribe({ group: 'g', topics: ['t'], handle: async (_t, batch) => void seen.push(...batch.map((e) => labelOf(e.id))), onDeadLetter: (d) => void reported.push(d.reason) });
  await bus.publish('t', [event('a'), { ...event('no-time'), occurredAt: 'soon' }, event('b')]);
  expect(seen).toEqual(['a', 'b']);
  expect(reported).toEqual(['invalid envelope: missing or malformed occurredAt']);
});

test('any other failure rejects the publish, so the relay keeps the events and retries', async () => {
  const bus = new InProcessBus();
  await bus.subscribe({ group: 'g', topics: ['t'], handle: async () => { throw new Error('database down'); } });
  expect(bus.publish('t', [event('a')])).rejects.toThrow('database down');
});
