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
