import { expect, test } from 'bun:test';
import { DeadLetterError } from './bus';
import type { EventEnvelope } from './envelope';
import { InProcessBus } from './in-process-bus';

const event = (id: string): EventEnvelope => ({ id, type: 'T', schemaVersion: 1, streamId: 's', streamVersion: 1, occurredAt: '', data: {}, metadata: { correlationId: 'c' } });

test('a poison event is set aside and the rest of the batch is still delivered', async () => {
  const bus = new InProcessBus();
  const applied: string[] = [];
  await bus.subscribe({
    group: 'g', topics: ['t'],
    handle: async (_t, batch) => {
      const bad = batch.find((e) => e.id.startsWith('bad'));
      if (bad) throw new DeadLetterError('cannot apply', bad.id === 'bad-named' ? bad.id : undefined);
      applied.push(...batch.map((e) => e.id));
    },
  });
  await bus.publish('t', [event('a'), event('bad-named'), event('b')]);
  await bus.publish('t', [event('c'), event('bad-anonymous'), event('d')]);
  expect(applied).toEqual(['a', 'b', 'c', 'd']);
  expect(bus.deadLetters.map((d) => d.event.id)).toEqual(['bad-named', 'bad-anonymous']);
});

test('any other failure rejects the publish, so the relay keeps the events and retries', async () => {
  const bus = new InProcessBus();
  await bus.subscribe({ group: 'g', topics: ['t'], handle: async () => { throw new Error('database down'); } });
  expect(bus.publish('t', [event('a')])).rejects.toThrow('database down');
});
