import { afterEach, describe, expect, test } from 'bun:test';
import type { EventBus } from '../../src/platform/events/bus';
import type { EventEnvelope } from '../../src/platform/events/envelope';
import { envelopeOf } from '../kits/envelopes';

/**
 * What every EventBus adapter must do, as bun:test tests. An adapter's test file calls
 * `eventBusConformance` with a factory; Kafka-only behaviour (dead letters, rebalances) lives beside it.
 */
export interface EventBusFixture {
  /** Shown in the test names, e.g. "in-process" or "kafka". */
  name: string;
  /** A fresh bus. The suite closes every bus it creates. */
  createBus(): EventBus | Promise<EventBus>;
  /** A topic or group name that no other test, file or earlier run uses. */
  unique(base: string): string;
  /** Bound of one test (default 20 s); waits for deliveries inside it stop a little earlier. */
  timeoutMs?: number;
  /** When set, every test is skipped and this says why. */
  skipReason?: string;
}

export function streamEvents(streamId: string, count: number, firstVersion = 1): EventEnvelope[] {
  return Array.from({ length: count }, (_, i) =>
    envelopeOf({
      type: 'ThingHappened',
      streamId,
      streamVersion: firstVersion + i,
      occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
      data: { n: firstVersion + i, note: 'ünïcödé ✓', nested: { list: [1, 2, 3] } },
      metadata: { correlationId: `corr-${streamId}`, causationId: `cause-${i}`, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    }),
  );
}

/** Round-robin across streams, so that one publish mixes them the way an outbox does. */
export function interleave(...streams: EventEnvelope[][]): EventEnvelope[] {
  const longest = Math.max(0, ...streams.map((s) => s.length));
  return Array.from({ length: longest }, (_, i) => streams.map((s) => s[i]).filter((e) => e !== undefined)).flat();
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/** A handler that records what it was given, in order. */
export function recorder() {
  const events: EventEnvelope[] = [];
  return { events, handle: async (_topic: string, batch: readonly EventEnvelope[]) => void events.push(...batch) };
}

/** Publishes the way the outbox relay does: a rejected publish is retried until the bus takes it. */
export async function publishUntilAccepted(bus: EventBus, topic: string, events: readonly EventEnvelope[], attempts = 20) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bus.publish(topic, events);
    } catch (error) {
      if (attempt >= attempts) throw error;
      await Bun.sleep(50);
    }
  }
}

/** Each expected stream arrived whole, in version order, each event once and unchanged. */
export function expectExactlyOnceInOrder(received: readonly EventEnvelope[], expected: readonly EventEnvelope[]) {
  expect(received.map((e) => e.id).sort()).toEqual(expected.map((e) => e.id).sort());
  for (const streamId of new Set(expected.map((e) => e.streamId))) {
    expect(received.filter((e) => e.streamId === streamId)).toEqual(expected.filter((e) => e.streamId === streamId));
  }
}

export function eventBusConformance(fixture: EventBusFixture): void {
  const timeoutMs = fixture.timeoutMs ?? 20_000;
  const waitMs = timeoutMs - 3_000;
  const open: EventBus[] = [];
  const newBus = async () => {
    const bus = await fixture.createBus();
    open.push(bus);
    return bus;
  };
  /** A new bus with a recorder subscribed to a fresh topic named after `what`. */
  const subscribedBus = async (what: string) => {
    const bus = await newBus();
    const topic = fixture.unique(what);
    const seen = recorder();
    await bus.subscribe({ group: fixture.unique('g'), topics: [topic], handle: seen.handle });
    return { bus, topic, seen };
  };
  const title = `EventBus conformance: ${fixture.name}${fixture.skipReason ? ` (skipped: ${fixture.skipReason})` : ''}`;

  describe.skipIf(fixture.skipReason !== undefined)(title, () => {
    afterEach(async () => {
      await Promise.allSettled(open.splice(0).map((bus) => bus.close()));
    });

    test('delivers every event once, in order per stream, with its envelope unchanged', async () => {
      const { bus, topic, seen } = await subscribedBus('once');
      const events = interleave(streamEvents('s-1', 4), streamEvents('s-2', 4), streamEvents('s-3', 4));
      await bus.publish(topic, events.slice(0, 5));
      await bus.publish(topic, events.slice(5));
      await waitFor(() => seen.events.length >= events.length, waitMs, 'all events');
      await Bun.sleep(300); // anything delivered twice would show up now
      expectExactlyOnceInOrder(seen.events, events);
    }, timeoutMs);

    test('two groups each receive every event of their topic, and nothing of another topic', async () => {
      const bus = await newBus();
      const [topic, other] = [fixture.unique('fanout'), fixture.unique('fanout-other')];
      const [first, second] = [recorder(), recorder()];
      await bus.subscribe({ group: fixture.unique('g1'), topics: [topic], handle: first.handle });
      await bus.subscribe({ group: fixture.unique('g2'), topics: [topic], handle: second.handle });
      const events = interleave(streamEvents('a', 3), streamEvents('b', 3));
      await bus.publish(other, streamEvents('elsewhere', 2));
      await bus.publish(topic, events);
      await waitFor(() => first.events.length >= events.length && second.events.length >= events.length, waitMs, 'both groups');
      await Bun.sleep(300);
      expectExactlyOnceInOrder(first.events, events);
      expectExactlyOnceInOrder(second.events, events);
    }, timeoutMs);

    test('a handler that fails twice is given the same events again, and none is lost', async () => {
      const bus = await newBus();
      const topic = fixture.unique('retry');
      const failed: string[][] = [];
      const applied: EventEnvelope[] = [];
      await bus.subscribe({
        group: fixture.unique('g'),
        topics: [topic],
        handle: async (_t, batch) => {
          if (failed.length < 2) {
            failed.push(batch.map((e) => e.id));
            throw new Error('transient: database unavailable');
          }
          applied.push(...batch);
        },
      });
      const events = interleave(streamEvents('r-1', 3), streamEvents('r-2', 3));
      await publishUntilAccepted(bus, topic, events);
      await waitFor(() => applied.length >= events.length, waitMs, 'redelivery after the failures');
      await Bun.sleep(300);
      expect(failed).toHaveLength(2);
      expect(failed[1]).toEqual(failed[0]!); // the very same events, offered again
      expect(applied.map((e) => e.id)).toEqual(expect.arrayContaining(failed[0]!));
      expectExactlyOnceInOrder(applied, events);
    }, timeoutMs);

    test('many publishes in a row keep every stream in order', async () => {
      const { bus, topic, seen } = await subscribedBus('order');
      const streams = Array.from({ length: 5 }, (_, i) => streamEvents(`o-${i}`, 10));
      const events = interleave(...streams);
      for (let i = 0; i < events.length; i += 7) await bus.publish(topic, events.slice(i, i + 7));
      await waitFor(() => seen.events.length >= events.length, waitMs, 'all batches');
      expectExactlyOnceInOrder(seen.events, events);
    }, timeoutMs);

    test('an empty publish resolves and delivers nothing', async () => {
      const { bus, topic, seen } = await subscribedBus('empty');
      await bus.publish(topic, []);
      await Bun.sleep(300);
      expect(seen.events).toEqual([]);
    }, timeoutMs);
  });
}
