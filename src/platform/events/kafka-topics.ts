import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '../log';

export interface TopicSpec {
  partitions: number;
  replicationFactor: number;
  /** Broker settings of the topic, e.g. `retention.ms`. */
  config: Record<string, string>;
}

/**
 * Creates the application's topics (the broker's auto-creation is off, and would pick its own
 * partition count). Idempotent: an existing topic is left as it is. Each topic is created at most
 * once per bus; a failed attempt is forgotten so the next publish or subscribe tries again.
 */
export class TopicProvisioner {
  private readonly known = new Map<string, Promise<void>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly spec: TopicSpec,
    private readonly log: Logger,
  ) {}

  async ensure(topics: readonly string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.known.has(t));
    if (missing.length > 0) {
      const creating = this.create(missing);
      for (const topic of missing) this.known.set(topic, creating);
      creating.catch(() => {
        for (const topic of missing) if (this.known.get(topic) === creating) this.known.delete(topic);
      });
    }
    await Promise.all(topics.map((t) => this.known.get(t)));
  }

  private async create(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // One request per topic: kafkajs reports a mixed "some created, some existed" request as
      // "nothing created" without waiting for the new topics' leaders.
      await Promise.all(
        topics.map(async (topic) => {
          const created = await admin.createTopics({
            topics: [{
              topic,
              numPartitions: this.spec.partitions,
              replicationFactor: this.spec.replicationFactor,
              configEntries: Object.entries(this.spec.config).map(([name, value]) => ({ name, value })),
            }],
            waitForLeaders: false,
          });
          if (created) this.log.info('created topic', { topic, partitions: this.spec.partitions, replicationFactor: this.spec.replicationFactor });
          await waitForLeaders(admin, topic);
        }),
      );
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * Until every partition of `topic` has a leader, whoever created it. kafkajs' own wait gives up on
 * UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers for a moment after a topic is created,
 * and a process that finds the topic already created (by another one starting at the same time)
 * would subscribe to it too early and fail the same way.
 */
async function waitForLeaders(admin: Admin, topic: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic}: not every partition has a leader after ${timeoutMs} ms`);
    await Bun.sleep(50);
  }
}
