/**
 * Direct access to the Kafka topics of one cluster's namespace, for what the application itself
 * never does: put copies, out-of-order versions and malformed messages on a topic, read a
 * dead-letter topic, and tell when a consumer group has caught up with everything on its topics.
 */
import { Kafka, logLevel, Partitioners, type Admin, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import type { EventEnvelope } from '../../src/platform/events/envelope';
import { toMessage } from '../../src/platform/events/kafka-codec';
import { consumerLag } from '../../src/platform/events/kafka-lag';
import { eventually } from '../kits/processes';

export class BusTap {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private readers = 0;

  constructor(
    brokers: readonly string[],
    /** The cluster's KAFKA_NAMESPACE: topics and groups are `<namespace>.<name>`. */
    private readonly namespace: string,
  ) {
    this.kafka = new Kafka({ clientId: `${namespace}-tap`, brokers: [...brokers], logLevel: logLevel.NOTHING });
  }

  /** The broker's name of a topic or group of this namespace. */
  name(topicOrGroup: string): string {
    return `${this.namespace}.${topicOrGroup}`;
  }

  /** Raw messages on a topic of the namespace, acknowledged by the broker when this resolves. */
  async produce(topic: string, messages: Message[]): Promise<void> {
    this.producer ??= (async () => {
      // The partitioner the application's producer uses: a stream's copy lands in its partition.
      const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      return producer;
    })();
    await (await this.producer).send({ topic: this.name(topic), acks: -1, messages });
  }

  /** Envelopes exactly as the outbox relay publishes them (same key, value and headers). */
  publish(topic: string, envelopes: readonly EventEnvelope[]): Promise<void> {
    return this.produce(topic, envelopes.map(toMessage));
  }

  async partitions(topic: string): Promise<number[]> {
    const offsets = await (await this.connectedAdmin()).fetchTopicOffsets(this.name(topic));
    return offsets.map((o) => o.partition).sort((a, b) => a - b);
  }

  /** Messages after the group's committed offsets, over its topics. */
  async lag(group: string, topics: readonly string[]): Promise<number> {
    const partitions = await consumerLag(await this.connectedAdmin(), this.name(group), topics.map((t) => this.name(t)));
    return partitions.reduce((sum, p) => sum + p.lag, 0);
  }

  /** Until every group has committed everything on its topics: all of it was applied or set aside. */
  async caughtUp(groups: Record<string, readonly string[]>, timeoutMs = 60_000): Promise<void> {
    await eventually(`consumer groups ${Object.keys(groups).join(', ')} to commit every message`, async () => {
      const lags = await Promise.all(Object.entries(groups).map(async ([group, topics]) => [group, await this.lag(group, topics)] as const));
      return lags.every(([, lag]) => lag === 0) || `lag: ${JSON.stringify(Object.fromEntries(lags))}`;
    }, timeoutMs, 200);
  }

  /** Reads a topic of the namespace from the start until `count` messages arrived or the time is up. */
  async read(topic: string, count: number, timeoutMs = 15_000): Promise<KafkaMessage[]> {
    // A group in the namespace, so the cluster's clean-up deletes it with the rest.
    const consumer = this.kafka.consumer({ groupId: this.name(`tap-reader-${++this.readers}`), maxWaitTimeInMs: 200 });
    const got: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [this.name(topic)], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void got.push(message) });
      const deadline = Date.now() + timeoutMs;
      while (got.length < count && Date.now() < deadline) await Bun.sleep(50);
      // A moment more: anything beyond `count` (a message counted twice) shows too.
      await Bun.sleep(500);
      return got;
    } finally {
      await consumer.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer?.then((p) => p.disconnect()), this.admin?.then((a) => a.disconnect())]);
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }
}
