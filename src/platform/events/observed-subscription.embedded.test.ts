import { expect, test } from 'bun:test';
import { createLogger } from '../log';
import { parseExposition, sumOf } from '../metrics/exposition';
import { Metrics } from '../metrics/metrics';
import { DeadLetterError } from './bus';
import type { EventEnvelope } from './envelope';
import { InProcessBus } from './in-process-bus';
import { namespaced } from './namespaced-bus';
import { subscribeObserved } from './observed-subscription';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

const event = (n: number, type = 'Happened', traceparent = `00-${TRACE}-00f067aa0ba902b7-01`): EventEnvelope => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type,
  schemaVersion: 1,
  streamId: `s-${n}`,
  streamVersion: 1,
  occurredAt: new Date(Date.now() - 250).toISOString(),
  data: { n },
  metadata: { correlationId: 'corr-1', traceparent },
});

function world() {
  const lines: any[] = [];
  const log = createLogger({ module: 'probe' }, 'debug', (line) => lines.push(JSON.parse(line)));
  const metrics = new Metrics({ service: 'probe' });
  return { lines, log, metrics, samples: async () => parseExposition(await metrics.text()) };
}

test('counts applied events by type, observes their lag, and logs inside their trace', async () => {
  const { lines, log, metrics, samples } = world();
  const bus = new InProcessBus();
  await subscribeObserved(bus, { group: 'probe', topics: ['things'], handle: async () => log.info('deep inside the handler') }, { metrics, log });
  await bus.publish('things', [event(1), event(2), event(3, 'Other')]);

  const s = await samples();
  expect(sumOf(s, 'events_consumed_total', { consumer: 'probe', type: 'Happened' })).toBe(2);
  expect(sumOf(s, 'events_consumed_total', { consumer: 'probe', type: 'Other' })).toBe(1);
  expect(sumOf(s, 'projection_lag_seconds_count', { consumer: 'probe', topic: 'things' })).toBe(3);
  // The events occurred 250 ms before they were published.
  expect(sumOf(s, 'projection_lag_seconds_sum', { consumer: 'probe' })).toBeGreaterThan(0.7);
  expect(sumOf(s, 'dead_letter_events_total', { consumer: 'probe', topic: 'things' })).toBe(0);

  const inside = lines.find((l) => l.msg === 'deep inside the handler');
  expect(inside).toMatchObject({ module: 'probe', traceId: TRACE, parentSpanId: '00f067aa0ba902b7', correlationId: 'corr-1' });
  expect(lines.find((l) => l.msg === 'events applied')).toMatchObject({ traceId: TRACE, consumer: 'probe', count: 3 });
});

test('a batch of several traces lists them; nothing is counted for a batch that failed', async () => {
  const { lines, log, metrics, samples } = world();
  const bus = new InProcessBus();
  let fail = true;
  await subscribeObserved(bus, {
    group: 'probe',
    topics: ['things'],
    handle: async () => {
      log.warn('handling');
      if (fail) throw new Error('database away');
    },
  }, { metrics, log });
  const other = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
  await expect(bus.publish('things', [event(1), event(2, 'Happened', other)])).rejects.toThrow('database away');
  expect(sumOf(await samples(), 'events_consumed_total')).toBe(0);
  expect(lines.find((l) => l.msg === 'handling').traceIds).toEqual([TRACE, 'a'.repeat(32)]);
  fail = false;
  await bus.publish('things', [event(1)]);
  expect(sumOf(await samples(), 'events_consumed_total')).toBe(1);
});

test('counts dead letters per consumer and topic, also through a namespace', async () => {
  const { log, metrics, samples } = world();
  const bus = namespaced(new InProcessBus(), 'ns.');
  await subscribeObserved(bus, {
    group: 'probe',
    topics: ['things'],
    handle: async (_topic, events) => {
      const poison = events.find((e) => e.type === 'Poison');
      if (poison) throw new DeadLetterError('cannot ever apply', poison.id);
    },
  }, { metrics, log });
  await bus.publish('things', [event(1), event(2, 'Poison'), event(3)]);
  const s = await samples();
  expect(sumOf(s, 'dead_letter_events_total', { consumer: 'probe', topic: 'things' })).toBe(1);
  expect(sumOf(s, 'events_consumed_total', { consumer: 'probe', type: 'Happened' })).toBe(2);
});
