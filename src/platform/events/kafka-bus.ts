import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import type { EventBus, PartitionLag, Subscription } from './bus';
import type { EventEnvelope } from './envelope';
import { toMessage } from './kafka-codec';
import { eachBatchHandler } from './kafka-consumer';
import { consumerLag } from './kafka-lag';
import { kafkaLogCreator } from './kafka-log';
import { SerialProducer } from './kafka-producer';
import { defaultTopicConfig, kafkaSecurity, type KafkaBusOptions } from './kafka-options';
import { TopicProvisioner } from './kafka-topics';

export type { DeadLetterReport } from './kafka-consumer';
export type { KafkaBusOptions } from './kafka-options';

/**
 * The Kafka adapter of the event bus. One topic per producing module; the message key is the
 * stream id, so a stream's events stay in one partition, in order. `publish` resolves once all
 * in-sync replicas hold the events. Each subscription is a consumer group that starts from the
 * earliest offset, acknowledges (commits) only what its handler applied, retries failures with
 * back-off for as long as it takes, and moves what can never be applied to a dead-letter topic.
 * Delivery is at least once: a redelivery after a crash or rebalance repeats events, never skips.
 */
export class KafkaBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly producer: SerialProducer;
  private readonly topics: TopicProvisioner;
  private readonly consumers = new Map<string, Consumer>();
  private deadLetters = 0;
  private closing?: Promise<void>;
  /** For lag metrics; connected on first use and kept, since scrapes come every few seconds. */
  private admin?: Promise<Admin>;
  /** Of each topic the bus creates. */
  private readonly partitionsPerTopic: number;

  constructor(private readonly options: KafkaBusOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaBus needs at least one broker');
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      ...kafkaSecurity(options),
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(options.log.child({ component: 'kafka' })),
    });
    this.producer = new SerialProducer(this.kafka, {
      retry: options.publishRetry ?? { retries: 5, maxRetryTime: 5_000 },
      ackTimeoutMs: options.ackTimeoutMs ?? 30_000,
      maxRequestBytes: 512 * 1024,
    });
    const replicationFactor = options.replicationFactor ?? 1;
    this.partitionsPerTopic = options.topicPartitions ?? 6;
    this.topics = new TopicProvisioner(
      this.kafka,
      { partitions: this.partitionsPerTopic, replicationFactor, config: options.topicConfig ?? defaultTopicConfig(replicationFactor) },
      options.log,
    );
  }

  /** Messages moved to dead-letter topics by this bus's consumers since it was created. */
  get deadLetterCount(): number {
    return this.deadLetters;
  }

  deadLetterTopic(topic: string): string {
    return this.options.deadLetterTopic?.(topic) ?? `${topic}.dlq`;
  }

  /**
   * Creates the topics and their dead-letter topics if missing, and connects the producer. Call it
   * at start to fail fast; `publish` and `subscribe` ensure their topics anyway.
   */
  async start(topics: readonly string[] = []): Promise<void> {
    this.assertOpen();
    await this.topics.ensure(topics.flatMap((t) => [t, this.deadLetterTopic(t)]));
    await this.producer.connect();
  }

  async publish(topic: string, events: readonly EventEnvelope[]): Promise<void> {
    this.assertOpen();
    if (events.length === 0) return;
    await this.topics.ensure([topic]);
    await this.producer.send(topic, events.map(toMessage));
  }

  /** Per partition of `topics`: messages after `group`'s committed offset. */
  async consumerLag(group: string, topics: readonly string[]): Promise<PartitionLag[]> {
    this.assertOpen();
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error) => {
      this.admin = undefined;
      throw error;
    });
    return consumerLag(await this.admin, group, topics);
  }

  async subscribe(subscription: Subscription): Promise<void> {
    this.assertOpen();
    if (this.consumers.has(subscription.group)) throw new Error(`group ${subscription.group} already subscribed on this bus`);
    await this.start(subscription.topics);
    await this.runConsumer(subscription);
  }

  /**
   * Creates the group's consumer and runs it. kafkajs restarts a consumer after most crashes; one
   * it gives up on (a non-retriable error, e.g. "Failed to find group coordinator" while the broker
   * moves its coordinators) would leave the group consuming nothing until the process restarts,
   * so a new consumer takes its place, after a pause that grows with each such crash in a row.
   */
  private async runConsumer(subscription: Subscription, crashesInARow = 0): Promise<void> {
    const { group, topics, handle, onDeadLetter } = subscription;
    const settings = this.options.consumer ?? {};
    const consumer = this.kafka.consumer({
      groupId: group,
      sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: settings.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: settings.maxWaitTimeMs ?? 1_000,
      allowAutoTopicCreation: false,
    });
    this.consumers.set(group, consumer);
    const log = this.options.log.child({ group });
    let consuming = false;
    consumer.on(consumer.events.FETCH, () => {
      consuming = true;
    });
    // kafkajs logs each crash and restarts the consumer itself; only a crash it gives up on needs us.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.closing) return;
      log.error('kafka consumer crashed and kafkajs gave up on it; starting a new one', { error: payload.error });
      this.replaceConsumer(subscription, consumer, consuming ? 1 : crashesInARow + 1);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        // kafkajs' default (true) would mark a batch consumed even when its handling failed.
        eachBatchAutoResolve: false,
        // kafkajs fetches all partitions at once and fetches again only when every batch of that
        // fetch was handled. Handled one after another, each batch pays its handler's fixed cost
        // (transactions) in turn and the last waits for all the others; handed over together, a
        // handler can write them as one (the recommendation projector does). A partition's
        // batches still come one at a time, in order.
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? topics.length * this.partitionsPerTopic,
        eachBatch: eachBatchHandler({
          group,
          handle,
          deadLetterTopic: (topic) => this.deadLetterTopic(topic),
          send: (topic, messages) => this.producer.send(topic, messages),
          onDeadLetter: (report) => {
            this.deadLetters++;
            this.options.onDeadLetter?.(report);
            onDeadLetter?.({ topic: report.topic, reason: report.reason });
          },
          backoff: { initialMs: this.options.handlerRetry?.initialMs ?? 100, maxMs: this.options.handlerRetry?.maxMs ?? 5_000 },
          maxRun: this.options.maxEventsPerDelivery ?? 500,
          log,
        }),
      });
    } catch (error) {
      this.consumers.delete(group);
      await consumer.disconnect().catch(() => {});
      throw error;
    }
  }

  /** After a pause that doubles with each failure in a row (up to 30 s), and until it works or the bus closes. */
  private replaceConsumer(subscription: Subscription, failed: Consumer, failures: number): void {
    const pauseMs = Math.min(30_000, 500 * 2 ** (failures - 1));
    setTimeout(async () => {
      if (this.closing || this.consumers.get(subscription.group) !== failed) return;
      await failed.disconnect().catch(() => {});
      if (this.closing) return;
      try {
        await this.runConsumer(subscription, failures);
      } catch (error) {
        if (this.closing) return;
        this.options.log.warn('kafka consumer could not be started again; retrying', { group: subscription.group, error, pauseMs });
        // runConsumer forgot its consumer on failure; this one stands in for it until the next try.
        this.consumers.set(subscription.group, failed);
        this.replaceConsumer(subscription, failed, failures + 1);
      }
    }, pauseMs).unref();
  }

  /**
   * Stops the consumers (each finishes its in-flight handler call, commits what was applied and
   * leaves its group, so the partitions move on at once), then lets pending publishes finish and
   * disconnects the producer.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.consumers.values()].map((c) => c.disconnect()));
      this.consumers.clear();
      await this.admin?.then((a) => a.disconnect()).catch(() => {});
      await this.producer.close();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('event bus is closed');
  }
}
