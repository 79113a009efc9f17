import { Kafka, logLevel, Partitioners, type KafkaMessage, type Message } from 'kafkajs';
import { createLogger, type Logger } from '../../src/platform/log';
import type { KafkaBusOptions } from '../../src/platform/events/kafka-bus';
import { kafkaSecurity, type KafkaSasl, type KafkaTls } from '../../src/platform/events/kafka-options';

/**
 * Helpers for tests against a real broker: settings that make rebalances and shutdowns quick, a
 * raw client for what the bus itself would never do (malformed messages, reading dead letters),
 * and clean-up of the run's topics.
 */
export function kafkaTestKit(brokers: string[], security: { ssl?: KafkaTls; sasl?: KafkaSasl } = {}) {
  const runId = Math.random().toString(36).slice(2, 8);
  const prefix = `bus-test-${runId}`;
  let counter = 0;
  const raw = new Kafka({ clientId: `${prefix}-raw`, brokers, ...kafkaSecurity(security), logLevel: logLevel.NOTHING });
  const lines: string[] = [];
  const log: Logger = createLogger({ test: 'kafka-bus' }, 'warn', (line) => void lines.push(line));

  const options = (extra: Partial<KafkaBusOptions> = {}): KafkaBusOptions => ({
    brokers,
    clientId: prefix,
    log,
    ...security,
    topicPartitions: 3,
    replicationFactor: 1,
    handlerRetry: { initialMs: 50, maxMs: 400 },
    // The broker's minimum session is 6 s; short heartbeats make members notice rebalances fast.
    consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 300, maxWaitTimeMs: 200 },
    ...extra,
  });

  return {
    options,
    /** Warnings and errors the buses logged, as JSON lines. */
    lines,
    unique: (base: string) => `${prefix}-${base}-${++counter}`,
    admin: () => raw.admin(),

    async produceRaw(topic: string, messages: Message[]): Promise<void> {
      const producer = raw.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        await producer.send({ topic, acks: -1, messages });
      } finally {
        await producer.disconnect();
      }
    },

    /** Reads a topic from the start until `count` messages arrived (or the time is up). */
    async readTopic(topic: string, count: number, timeoutMs = 10_000): Promise<KafkaMessage[]> {
      const consumer = raw.consumer({ groupId: `${prefix}-reader-${++counter}`, maxWaitTimeInMs: 200 });
      const got: KafkaMessage[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => void got.push(message) });
        const deadline = Date.now() + timeoutMs;
        while (got.length < count && Date.now() < deadline) await Bun.sleep(50);
        return got;
      } finally {
        await consumer.disconnect();
      }
    },

    /** Waits until the group has settled with `members` members (every one has its partitions). */
    async groupStable(group: string, members: number, timeoutMs = 15_000): Promise<void> {
      const admin = raw.admin();
      await admin.connect();
      try {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const { groups } = await admin.describeGroups([group]);
          if (groups[0]?.state === 'Stable' && groups[0].members.length === members) return;
          if (Date.now() > deadline) throw new Error(`group ${group} not stable with ${members} members`);
          await Bun.sleep(100);
        }
      } finally {
        await admin.disconnect();
      }
    },

    /** Deletes every topic this run created. */
    async cleanUp(): Promise<void> {
      const admin = raw.admin();
      await admin.connect();
      try {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
        if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
      } finally {
        await admin.disconnect();
      }
    },
  };
}

export const header = (m: KafkaMessage, name: string): string | undefined => {
  const v = m.headers?.[name];
  return v === undefined ? undefined : Array.isArray(v) ? String(v[0]) : String(v);
};

/** One message of a topic as it is stored: key, value and headers, as bytes. */
export interface StoredMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer[]>;
}

/**
 * Every message of every topic whose name starts with `prefix` (a run's namespace), from the
 * oldest the broker keeps to the end each partition had when this was called. Not through a
 * consumer group: a new group would start where `auto.offset.reset` says, and leave offsets behind.
 */
export async function readTopicsWithPrefix(brokers: string[], prefix: string, timeoutMs = 30_000): Promise<{ topics: string[]; messages: StoredMessage[] }> {
  const kafka = new Kafka({ clientId: `${prefix}-scan`, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) if (Number(high) > Number(low)) ends.set(`${topic}/${partition}`, Number(high));
  }
  await admin.disconnect();
  const messages: StoredMessage[] = [];
  if (ends.size === 0) return { topics, messages };

  const groupId = `${prefix}-scan-${crypto.randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    const remaining = new Set(ends.keys());
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, v]) => [name, (Array.isArray(v) ? v : [v]).filter((x) => x !== undefined).map((x) => Buffer.from(x as Buffer | string))]),
        );
        messages.push({ topic, partition, offset: message.offset, key: message.key, value: message.value, headers });
        if (Number(message.offset) + 1 >= ends.get(`${topic}/${partition}`)!) remaining.delete(`${topic}/${partition}`);
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (remaining.size > 0) {
      if (Date.now() > deadline) throw new Error(`reading ${prefix}* did not reach the end of ${[...remaining].join(', ')}`);
      await Bun.sleep(50);
    }
    return { topics, messages };
  } finally {
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
}
