import { expect, test } from 'bun:test';
import type { EventEnvelope } from './envelope';
import { InProcessBus } from './in-process-bus';
import { namespaced } from './namespaced-bus';

test('topics and groups live under the prefix; handlers see the plain topic name', async () => {
  const inner = new InProcessBus();
  const seen: string[] = [];
  await inner.subscribe({ group: 'outsider', topics: ['things'], handle: async () => void seen.push('outsider') });
  const bus = namespaced(inner, 'run1.');
  await bus.subscribe({ group: 'g', topics: ['things'], handle: async (topic) => void seen.push(`g:${topic}`) });
  const event = { id: crypto.randomUUID(), type: 'T', schemaVersion: 1, streamId: 's', streamVersion: 1, occurredAt: '2025-01-01T00:00:00Z', data: {}, metadata: { correlationId: 'c' } } as EventEnvelope;
  await bus.publish('things', [event]);
  expect(seen).toEqual(['g:things']);
  await inner.publish('run1.things', [event]);
  expect(seen).toEqual(['g:things', 'g:things']);
});
