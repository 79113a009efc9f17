import { afterAll, beforeAll, expect, test } from 'bun:test';
import { systemClock } from '../clock';
import { openEmbeddedDatabase } from '../db/embedded';
import type { Database } from '../db/database';
import { commandRunner } from '../events/command-runner';
import { commandMetrics } from '../events/command-metrics';
import { EventCodec } from '../events/event-codec';
import { InProcessBus } from '../events/in-process-bus';
import { subscribeObserved } from '../events/observed-subscription';
import { OutboxRelay } from '../events/outbox-relay';
import { silentLogger } from '../log';
import { Metrics } from '../metrics/metrics';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import type { SpanRecord } from './spans';
import { continueTrace, formatTraceparent, parseTraceparent } from './traceparent';

let database: Database;
beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: eventStoreMigrations(), label: 'span chain test' });
});
afterAll(() => database.close());

const recorder = (into: SpanRecord[]) => ({ enabled: true, record: (s: SpanRecord) => void into.push(s), keepsRoot: () => true });
const things = {
  initialState: 0,
  evolve: (n: number) => n + 1,
  decide: () => [{ type: 'Happened', data: {} }],
  streamId: (command: { type: 'Do'; id: number }) => `thing-${command.id}`,
  topic: 'things',
  project: async () => {},
  codec: new EventCodec<{ type: string; data: {} }>({ Happened: { current: 1, problem: () => undefined } }),
};

test('command, relay publish and consume spans hang one under the other; the event travels with the producer span', async () => {
  const spans: SpanRecord[] = [];
  const producer = new Metrics({ service: 'producer', spans: recorder(spans) });
  const consumer = new Metrics({ service: 'consumer', spans: recorder(spans) });
  const bus = new InProcessBus();
  const received: (string | undefined)[] = [];
  await subscribeObserved(bus, { group: 'g', topics: ['things'], handle: async (_t, events) => void received.push(...events.map((e) => e.metadata.traceparent)) }, { metrics: consumer, log: silentLogger });
  const relay = new OutboxRelay(database, bus, silentLogger, { pollMs: 60_000 }, producer);
  relay.start();

  const server = continueTrace(undefined);
  await commandRunner(database, things, { clock: systemClock, metrics: commandMetrics(producer, ['Do']) })
    .run({ type: 'Do', id: 1 }, { metadata: { correlationId: 'c', traceparent: formatTraceparent(server) } });
  relay.wake();
  for (let i = 0; i < 200 && spans.length < 3; i++) await Bun.sleep(10);
  await relay.stop();

  const [command, publish, consume] = ['internal', 'producer', 'consumer'].map((kind) => spans.find((s) => s.kind === kind)!);
  expect(command).toMatchObject({ name: 'command Do', trace: { traceId: server.traceId, parentSpanId: server.spanId } });
  expect(publish).toMatchObject({ name: 'publish things', trace: { traceId: server.traceId, parentSpanId: command!.trace.spanId } });
  expect(consume).toMatchObject({ name: 'process things', trace: { traceId: server.traceId, parentSpanId: publish!.trace.spanId } });
  expect(parseTraceparent(received[0])?.spanId).toBe(publish!.trace.spanId);
});

test('without span export the events carry the request span, as before', async () => {
  const bus = new InProcessBus();
  const received: (string | undefined)[] = [];
  await bus.subscribe({ group: 'g', topics: ['things'], handle: async (_t, events) => void received.push(...events.map((e) => e.metadata.traceparent)) });
  const metrics = new Metrics({ service: 'producer' });
  const relay = new OutboxRelay(database, bus, silentLogger, { pollMs: 60_000 }, metrics);
  relay.start();
  const traceparent = formatTraceparent(continueTrace(undefined));
  await commandRunner(database, things, { clock: systemClock, metrics: commandMetrics(metrics, ['Do']) }).run({ type: 'Do', id: 2 }, { metadata: { correlationId: 'c', traceparent } });
  relay.wake();
  for (let i = 0; i < 200 && received.length < 1; i++) await Bun.sleep(10);
  await relay.stop();
  expect(received).toEqual([traceparent]);
});
