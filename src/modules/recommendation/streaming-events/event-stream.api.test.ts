import { afterAll, beforeAll, expect, test } from 'bun:test';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import type { Database } from '../../../platform/db/database';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { silentLogger } from '../../../platform/log';
import { FRIEND_EVENTS_TOPIC } from '../../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import { createRecommendationModule, recommendationMigrationsFolder } from '../index';
import { eventFactory } from '../../../../test/kits/recommendation/events';

let database: Database;
let bus: InProcessBus;
let recommendation: ReturnType<typeof createRecommendationModule>;
const e = eventFactory();
/** Metadata as the services write it for a request (UUIDs, a traceparent): the log stores it in binary. */
const requestMetadata = {
  correlationId: '0b4c8e1e-5a4f-4d2b-9a57-1f2e3d4c5b6a',
  causationId: '0b4c8e1e-5a4f-4d2b-9a57-1f2e3d4c5b6a',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

interface Message {
  id: number;
  raw: string;
  envelope: { type: string; streamId: string; streamVersion: number; position: number; metadata: unknown };
}

/** Opens the stream and reads messages from it until `count` arrived (or fails after 5 s). */
async function open(headers: Record<string, string> = {}, query = '?backlog=1000') {
  const controller = new AbortController();
  const res = await recommendation.app.handle(new Request(`http://localhost/v1/events/stream${query}`, { headers, signal: controller.signal }));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toStartWith('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  const messages: Message[] = [];
  async function until(count: number): Promise<Message[]> {
    const deadline = Date.now() + 5000;
    while (messages.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${messages.length} of ${count} messages arrived`);
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      for (let end; (end = buffer.indexOf('\n\n')) >= 0; ) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const raw = /^id: (.+)$/m.exec(block)?.[1];
        const id = raw?.split('-')[0];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (raw && id && data) messages.push({ id: Number(id), raw, envelope: JSON.parse(data) });
      }
    }
    return messages;
  }
  return { until, close: () => controller.abort(), reader, ended: () => ended };
}

beforeAll(async () => {
  database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  bus = new InProcessBus();
  recommendation = createRecommendationModule({ database, bus, log: silentLogger });
  await recommendation.connect();
  await bus.publish(USER_EVENTS_TOPIC, [1, 2, 3].map((id) => e.userCreated(id, `User${id}`, 'Test')));
  await bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(1, 2), e.friendAdded(2, 3)].map((added) => ({ ...added, metadata: requestMetadata })));
}, 60_000);
afterAll(async () => {
  await bus.close();
  await database.close();
});

test('sends every logged event once, in log order, with its position as id', async () => {
  const stream = await open();
  const messages = await stream.until(5);
  stream.close();
  expect(messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
  expect(messages.map((m) => m.envelope.type)).toEqual(['UserCreated', 'UserCreated', 'UserCreated', 'FriendAdded', 'FriendAdded']);
  // The log keeps metadata in binary, or as JSON text for ids that are not UUIDs (log-metadata.ts); the stream gives it back whole.
  expect(messages.map((m) => m.envelope.metadata)).toEqual([...Array(3).fill({ correlationId: 'test' }), requestMetadata, requestMetadata]);
  for (const m of messages) expect(m.envelope.position).toBe(m.id);
});

test('a live subscriber gets events applied after it connected, in order per stream', async () => {
  const stream = await open({}, '?backlog=0');
  const rename = [e.userUpdated(1, 'Ada', 'One'), e.userUpdated(1, 'Ada', 'Two'), e.userUpdated(1, 'Ada', 'Three')];
  await bus.publish(USER_EVENTS_TOPIC, rename);
  const messages = await stream.until(3);
  stream.close();
  expect(messages.map((m) => [m.envelope.streamId, m.envelope.streamVersion])).toEqual(rename.map((r) => [r.streamId, r.streamVersion]));
});

test('reconnecting with Last-Event-ID resumes right after it: no gap, no duplicate', async () => {
  const first = await open();
  const before = await first.until(4);
  first.close();
  const lastSeen = before.at(-1)!.id;
  await bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(1, 3)]);
  const second = await open({ 'last-event-id': before.at(-1)!.raw });
  const total = (await open()).until(9);
  const after = await second.until(9 - lastSeen);
  second.close();
  expect([...before.map((m) => m.id), ...after.map((m) => m.id)]).toEqual((await total).map((m) => m.id));
  expect(after[0]!.id).toBe(lastSeen + 1);
});

test('an id from another instance\'s log resumes after that event here; a bare position is taken as is', async () => {
  const all = await (await open()).until(9);
  const fromElsewhere = `1-${(all[5]!.envelope as any).id}`;
  const resumed = await open({ 'last-event-id': fromElsewhere });
  expect((await resumed.until(1))[0]!.id).toBe(7);
  resumed.close();
  const bare = await open({ 'last-event-id': '8' });
  expect((await bare.until(1))[0]!.id).toBe(9);
  bare.close();
});

test('stop() ends open streams, so the server can shut down', async () => {
  const stream = await open({}, '?backlog=0');
  await recommendation.stop();
  const drained = (async () => {
    while (!(await stream.reader.read()).done);
    return 'ended';
  })();
  expect(await Promise.race([drained, Bun.sleep(3000).then(() => 'still open')])).toBe('ended');
});
