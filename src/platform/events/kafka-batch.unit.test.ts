import { describe, expect, test } from 'bun:test';
import type { KafkaMessage } from 'kafkajs';
import { DeadLetterError } from './bus';
import { streamEvents } from '../../../test/conformance/event-bus';
import { lastOffsetOf, planSegments, splitRun, type RunItem } from './kafka-batch';
import { chunkBySize, fromMessage, HEADERS, toMessage } from './kafka-codec';
import { OffsetCommitter } from './kafka-consumer';
import { backoffDelay } from './kafka-retry';
import { silentLogger } from '../log';

const message = (offset: number, value: string | null): KafkaMessage =>
  ({ key: null, value: value === null ? null : Buffer.from(value), offset: String(offset), timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;
const events = streamEvents('s', 5);
const valid = (offset: number) => message(offset, JSON.stringify(events[offset]));

describe('codec', () => {
  test('an envelope round-trips; the key is the stream and headers carry ids, type and trace', () => {
    const [e] = events;
    const m = toMessage(e!);
    expect(m.key).toBe('s');
    expect(m.headers).toMatchObject({ [HEADERS.eventId]: e!.id, [HEADERS.streamVersion]: '1', [HEADERS.traceparent]: e!.metadata.traceparent });
    expect(fromMessage({ value: Buffer.from(m.value as string) })).toEqual({ ok: true, envelope: e! });
  });

  test('says why a message is not an envelope', () => {
    expect(fromMessage({ value: null })).toEqual({ ok: false, reason: 'empty message value' });
    expect(fromMessage({ value: Buffer.from('{oops') })).toMatchObject({ ok: false, reason: expect.stringContaining('unparseable JSON') });
    const { streamVersion: _, ...noVersion } = events[0]!;
    expect(fromMessage({ value: Buffer.from(JSON.stringify({ ...noVersion, metadata: {} })) })).toEqual({
      ok: false, reason: 'invalid envelope: missing or malformed streamVersion, metadata.correlationId',
    });
  });

  test('splits a large publish into ordered chunks under the size limit', () => {
    const chunks = chunkBySize(['aaaa', 'bb', 'cccc', 'd'].map((value) => ({ value })), 6);
    expect(chunks.map((c) => c.map((m) => m.value))).toEqual([['aaaa', 'bb'], ['cccc', 'd']]);
  });
});

describe('segments', () => {
  test('cuts a batch into runs of valid envelopes around the ones that can never be applied', () => {
    const segments = planSegments([valid(0), valid(1), message(2, 'junk'), valid(3), valid(4)], 500);
    expect(segments.map((s) => (s.kind === 'run' ? s.items.map((i) => i.offset) : `dead ${s.offset}`))).toEqual([['0', '1'], 'dead 2', ['3', '4']]);
    expect(segments.map(lastOffsetOf)).toEqual(['1', '2', '4']);
  });

  test('caps a run at the delivery size', () => {
    expect(planSegments([0, 1, 2, 3, 4].map(valid), 2).map((s) => s.kind === 'run' && s.items.length)).toEqual([2, 2, 1]);
  });

  const run: RunItem[] = [0, 1, 2, 3].map((i) => ({ offset: String(i), message: valid(i), envelope: events[i]! }));
  const shape = (segments: ReturnType<typeof splitRun>) => segments.map((s) => (s.kind === 'run' ? s.items.map((i) => i.offset) : `dead ${s.offset}`));

  test('a named culprit is dead-lettered; what came before is delivered again, what follows after it', () => {
    expect(shape(splitRun(run, new DeadLetterError('bad', events[2]!.id)))).toEqual([['0', '1'], 'dead 2', ['3']]);
  });

  test('without a name the run is retried one event at a time; a single event is dead-lettered', () => {
    expect(shape(splitRun(run, new DeadLetterError('bad')))).toEqual([['0'], ['1'], ['2'], ['3']]);
    expect(splitRun(run.slice(1, 2), new DeadLetterError('bad'))).toMatchObject([{ kind: 'dead', offset: '1', reason: 'rejected by handler: bad' }]);
  });
});

test('back-off doubles from the first delay up to the cap', () => {
  expect([0, 1, 2, 5, 6, 60].map((a) => backoffDelay(a, { initialMs: 100, maxMs: 5_000 }))).toEqual([100, 200, 400, 3_200, 5_000, 5_000]);
});

describe('offset commits in the background', () => {
  type Sent = { topic: string; partitions: { partition: number; offset: string }[] }[];
  /** Stands in for the broker's answer to each OffsetCommit: the test decides when and how it ends. */
  function broker() {
    const requests: { topics: Sent; answer(error?: Error): void }[] = [];
    const commit = (offsets: { topics: Sent }) =>
      new Promise<void>((resolve, reject) => requests.push({ topics: offsets.topics, answer: (error) => (error ? reject(error) : resolve()) }));
    return { requests, commit: commit as never };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  test('offsets noted while a commit is in flight go out together in the next one, latest per partition', async () => {
    const { requests, commit } = broker();
    const commits = new OffsetCommitter(silentLogger);
    commits.note('a', 0, '5', commit);
    expect(requests.map((r) => r.topics)).toEqual([[{ topic: 'a', partitions: [{ partition: 0, offset: '5' }] }]]);
    commits.note('a', 1, '3', commit);
    commits.note('b', 0, '9', commit);
    commits.note('a', 1, '4', commit);
    expect(requests).toHaveLength(1);
    requests[0]!.answer();
    await settle();
    expect(requests[1]!.topics).toEqual([
      { topic: 'a', partitions: [{ partition: 1, offset: '4' }] },
      { topic: 'b', partitions: [{ partition: 0, offset: '9' }] },
    ]);
    requests[1]!.answer();
    await commits.flush();
    expect(requests).toHaveLength(2);
  });

  test('an offset whose commit failed goes out again with the next commit, unless a later one replaced it', async () => {
    const { requests, commit } = broker();
    const commits = new OffsetCommitter(silentLogger);
    const partitionsOf = (i: number) => requests[i]!.topics.flatMap((t) => t.partitions).sort((x, y) => x.partition - y.partition);
    commits.note('a', 0, '5', commit);
    commits.note('a', 0, '6', commit);
    commits.note('a', 1, '7', commit);
    requests[0]!.answer(new Error('rebalance in progress'));
    await settle();
    // Not retried at once (the broker may be away); it goes with the next commit. Partition 0's
    // failed '5' was replaced by '6', noted meanwhile.
    expect(requests).toHaveLength(1);
    commits.note('a', 2, '1', commit);
    expect(partitionsOf(1)).toEqual([{ partition: 0, offset: '6' }, { partition: 1, offset: '7' }, { partition: 2, offset: '1' }]);
    requests[1]!.answer(new Error('coordinator not available'));
    await settle();
    // A stopping consumer flushes what is left before it leaves its group.
    const flushed = commits.flush();
    expect(partitionsOf(2)).toEqual([{ partition: 0, offset: '6' }, { partition: 1, offset: '7' }, { partition: 2, offset: '1' }]);
    requests[2]!.answer();
    await flushed;
  });

  test('a commit the broker never answers is given up on after the timeout: flush returns, and the offsets go out with the next commit', async () => {
    const { requests, commit } = broker();
    const commits = new OffsetCommitter(silentLogger, 50);
    commits.note('a', 0, '5', commit);
    // Never answered. A stopping consumer's flush must not wait for it forever (without the
    // timeout this test never ends).
    await commits.flush();
    commits.note('a', 1, '2', commit);
    const partitions = requests[1]!.topics.flatMap((t) => t.partitions).sort((x, y) => x.partition - y.partition);
    expect(partitions).toEqual([{ partition: 0, offset: '5' }, { partition: 1, offset: '2' }]);
    requests[1]!.answer();
    await commits.flush();
    expect(requests).toHaveLength(2);
  });
});
