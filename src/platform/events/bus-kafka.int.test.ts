import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { ConfigResourceTypes } from 'kafkajs';
import { DeadLetterError } from './bus';
import { eventBusConformance, expectExactlyOnceInOrder, interleave, recorder, streamEvents, waitFor } from '../../../test/conformance/event-bus';
import type { EventEnvelope } from './envelope';
import { KafkaBus, type DeadLetterReport, type KafkaBusOptions } from './kafka-bus';
import { DEAD_LETTER_HEADERS } from './kafka-consumer';
import { HEADERS } from './kafka-codec';
import { header, kafkaTestKit } from '../../../test/kits/kafka';

// Needs a real broker: `bun run infra:up && source .infra/env` sets KAFKA_BROKERS.
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
const skipReason = brokers.length ? undefined : 'KAFKA_BROKERS not set';
if (skipReason) console.warn('bus-kafka.int.test.ts: KAFKA_BROKERS not set, skipping (`bun run infra:up && source .infra/env` to run)');

const kit = kafkaTestKit(brokers);
const TIMEOUT = 30_000;
const WAIT = 20_000;

eventBusConformance({ name: 'kafka', createBus: () => new KafkaBus(kit.options()), unique: kit.unique, timeoutMs: TIMEOUT, skipReason });

afterAll(async () => {
  if (!skipReason) await kit.cleanUp();
}, TIMEOUT);

describe.skipIf(skipReason !== undefined)(`KafkaBus${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const buses: KafkaBus[] = [];
  const newBus = (extra?: Partial<KafkaBusOptions>) => {
    const bus = new KafkaBus(kit.options(extra));
    buses.push(bus);
    return bus;
  };
  afterEach(async () => void (await Promise.allSettled(buses.splice(0).map((b) => b.close()))));

  test('publish resolves once the broker holds the events; a group that subscribes later starts from the earliest', async () => {
    const bus = newBus();
    const topic = kit.unique('earliest');
    const events = interleave(streamEvents('e-1', 3), streamEvents('e-2', 3));
    await bus.publish(topic, events);
    const admin = kit.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(events.length);
      // Created by the bus as configured: its partitions, and history kept for later groups.
      expect(offsets).toHaveLength(3);
      const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }], includeSynonyms: false });
      expect(resources[0]!.configEntries[0]).toMatchObject({ configName: 'retention.ms', configValue: '-1' });
    } finally {
      await admin.disconnect();
    }
    const seen = recorder();
    await bus.subscribe({ group: kit.unique('late'), topics: [topic], handle: seen.handle });
    await waitFor(() => seen.events.length >= events.length, WAIT, 'events published before the subscription');
    expectExactlyOnceInOrder(seen.events, events);
  }, TIMEOUT);

  test('malformed messages go to <topic>.dlq with a reason; the valid event behind them is still delivered', async () => {
    const reports: DeadLetterReport[] = [];
    const bus = newBus({ onDeadLetter: (r) => void reports.push(r) });
    const topic = kit.unique('malformed');
    const seen = recorder();
    await bus.subscribe({ group: kit.unique('g'), topics: [topic], handle: seen.handle });
    // Same key as the valid event: same partition, so it really sits behind the bad ones.
    await kit.produceRaw(topic, [
      { key: 'm-1', value: 'not json {', headers: { origin: 'test' } },
      { key: 'm-1', value: JSON.stringify({ hello: 'world' }) },
    ]);
    const [valid] = streamEvents('m-1', 1);
    await bus.publish(topic, [valid!]);
    await waitFor(() => seen.events.length >= 1, WAIT, 'the valid event');
    expect(seen.events).toEqual([valid!]);
    const dead = await kit.readTopic(`${topic}.dlq`, 2);
    expect(dead.map((m) => m.value?.toString())).toEqual(['not json {', JSON.stringify({ hello: 'world' })]);
    expect(header(dead[0]!, DEAD_LETTER_HEADERS.reason)).toStartWith('unparseable JSON');
    expect(header(dead[0]!, 'origin')).toBe('test');
    expect(header(dead[1]!, DEAD_LETTER_HEADERS.reason)).toContain('invalid envelope');
    expect(header(dead[1]!, DEAD_LETTER_HEADERS.topic)).toBe(topic);
    expect(bus.deadLetterCount).toBe(2);
    expect(reports.map((r) => r.deadLetterTopic)).toEqual([`${topic}.dlq`, `${topic}.dlq`]);
  }, TIMEOUT);

  test('a handler throwing DeadLetterError dead-letters just that event, named or not, with its headers', async () => {
    const bus = newBus();
    const topic = kit.unique('poison');
    const named = streamEvents('p-1', 5);
    const unnamed = streamEvents('p-2', 4);
    const poison = new Set([named[2]!.id, unnamed[1]!.id]);
    const applied: EventEnvelope[] = [];
    await bus.subscribe({
      group: kit.unique('g'),
      topics: [topic],
      handle: async (_t, batch) => {
        const bad = batch.find((e) => poison.has(e.id));
        if (bad) throw new DeadLetterError('cannot apply', bad.streamId === 'p-1' ? bad.id : undefined);
        applied.push(...batch);
      },
    });
    await bus.publish(topic, interleave(named, unnamed));
    const expected = interleave(named, unnamed).filter((e) => !poison.has(e.id));
    await waitFor(() => applied.length >= expected.length, WAIT, 'the healthy events');
    expectExactlyOnceInOrder(applied, expected);
    const dead = await kit.readTopic(`${topic}.dlq`, 2);
    expect(dead.map((m) => header(m, HEADERS.eventId)).sort()).toEqual([...poison].sort());
    const first = dead.find((m) => header(m, HEADERS.eventId) === named[2]!.id)!;
    expect(JSON.parse(first.value!.toString())).toEqual(named[2]!);
    expect(header(first, HEADERS.eventType)).toBe('ThingHappened');
    expect(header(first, HEADERS.streamId)).toBe('p-1');
    expect(header(first, HEADERS.streamVersion)).toBe('3');
    expect(header(first, HEADERS.schemaVersion)).toBe('1');
    expect(header(first, HEADERS.correlationId)).toBe('corr-p-1');
    expect(header(first, HEADERS.traceparent)).toBe(named[2]!.metadata.traceparent!);
    expect(header(first, DEAD_LETTER_HEADERS.reason)).toContain('cannot apply');
    expect(bus.deadLetterCount).toBe(2);
  }, TIMEOUT);

  for (const mode of ['keeps failing', 'fails as it is closed', 'finishes as it is closed'] as const) {
    test(`a consumer whose handler ${mode} acknowledges only what it applied; the group's next consumer gets the rest`, async () => {
      const group = kit.unique('g');
      const topic = kit.unique('handover');
      const events = interleave(...Array.from({ length: 6 }, (_, i) => streamEvents(`h-${i}`, 3)));
      const offered: EventEnvelope[] = [];
      let calls = 0;
      const appliedByFirst: EventEnvelope[] = [];
      let release!: () => void;
      const closing = new Promise<void>((resolve) => (release = resolve));
      const first = newBus();
      await first.subscribe({
        group, topics: [topic],
        handle: async (_t, batch) => {
          calls++;
          offered.push(...batch);
          if (mode === 'keeps failing') throw new Error('transient: still down');
          await closing;
          if (mode === 'fails as it is closed') throw new Error('consumer is stopped');
          appliedByFirst.push(...batch);
        },
      });
      await first.publish(topic, events);
      await waitFor(() => offered.length > 0 && (mode !== 'keeps failing' || calls >= 2), WAIT, 'a first delivery');
      const started = Date.now();
      const closed = first.close();
      release();
      await closed;
      expect(Date.now() - started).toBeLessThan(5_000); // the retry loop notices the stop
      const second = recorder();
      await newBus().subscribe({ group, topics: [topic], handle: second.handle });
      const rest = events.filter((e) => !appliedByFirst.some((a) => a.id === e.id));
      await waitFor(() => second.events.length >= rest.length, WAIT, 'redelivery to the next consumer');
      await Bun.sleep(300);
      expect(mode === 'finishes as it is closed' ? appliedByFirst.length : rest.length).toBeGreaterThan(0);
      expectExactlyOnceInOrder(second.events, rest);
    }, TIMEOUT);
  }

  test('a rebalance while a handler is retrying hands its partitions over; no event is skipped', async () => {
    const group = kit.unique('rebalance');
    const topic = kit.unique('rebalance');
    let failing = true;
    let calls = 0;
    const a = recorder();
    await newBus().subscribe({
      group, topics: [topic],
      handle: async (t, batch) => {
        calls++;
        if (failing) throw new Error('transient: still down');
        await a.handle(t, batch);
      },
    });
    const events = interleave(...Array.from({ length: 12 }, (_, i) => streamEvents(`r-${i}`, 3)));
    await buses[0]!.publish(topic, events);
    await waitFor(() => calls >= 2, WAIT, 'the first consumer retrying');
    const b = recorder();
    await newBus().subscribe({ group, topics: [topic], handle: b.handle });
    // Only settles if the retrying consumer notices the rebalance (its waits heart-beat) and re-joins.
    await kit.groupStable(group, 2);
    failing = false;
    const seen = () => new Set([...a.events, ...b.events].map((e) => e.id));
    await waitFor(() => seen().size >= events.length, WAIT, 'every event, across both consumers');
    expect(b.events.length).toBeGreaterThan(0);
    // At least once: a redelivery may repeat earlier versions of a stream, never jump over one.
    for (const received of [a.events, b.events]) {
      const last = new Map<string, number>();
      for (const e of received) {
        expect(e.streamVersion).toBeLessThanOrEqual((last.get(e.streamId) ?? 0) + 1);
        last.set(e.streamId, e.streamVersion);
      }
    }
  }, TIMEOUT);

  test('two consumers of one group share the partitions and together see every event exactly once', async () => {
    const group = kit.unique('shared');
    const topic = kit.unique('shared');
    const [a, b] = [recorder(), recorder()];
    await newBus().subscribe({ group, topics: [topic], handle: a.handle });
    await newBus().subscribe({ group, topics: [topic], handle: b.handle });
    await kit.groupStable(group, 2);
    const events = interleave(...Array.from({ length: 20 }, (_, i) => streamEvents(`s-${i}`, 3)));
    await buses[0]!.publish(topic, events);
    await waitFor(() => a.events.length + b.events.length >= events.length, WAIT, 'all events across both consumers');
    await Bun.sleep(500);
    expect(a.events.length).toBeGreaterThan(0);
    expect(b.events.length).toBeGreaterThan(0);
    expectExactlyOnceInOrder([...a.events, ...b.events], events);
    // A stream lives in one partition, so exactly one consumer saw it.
    const streamsOf = (r: EventEnvelope[]) => new Set(r.map((e) => e.streamId));
    expect([...streamsOf(a.events)].filter((s) => streamsOf(b.events).has(s))).toEqual([]);
  }, TIMEOUT);

  test('a closed bus refuses to publish and to subscribe', async () => {
    const bus = newBus();
    await bus.close();
    await expect(bus.publish(kit.unique('closed'), streamEvents('c', 1))).rejects.toThrow('closed');
    await expect(bus.subscribe({ group: 'g', topics: ['t'], handle: async () => {} })).rejects.toThrow('closed');
  }, TIMEOUT);
});
