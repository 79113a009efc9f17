import { Partitioners, type Kafka, type Message, type Producer, type RetryOptions } from 'kafkajs';
import { chunkBySize } from './kafka-codec';

export interface ProducerSettings {
  /** kafkajs retries (connection and request) before a send is reported as failed. */
  retry: RetryOptions;
  /** How long the broker may wait for all in-sync replicas before it answers. */
  ackTimeoutMs: number;
  /** Largest total value size of one produce request. */
  maxRequestBytes: number;
}

/**
 * The bus's one producer. Idempotent, acks from all in-sync replicas, one request in flight: a
 * retried request can neither be stored twice nor overtake the one after it, so a stream's events
 * land in order. Sends run one at a time because kafkajs' idempotent producer has mis-numbered
 * concurrent sends (tulios/kafkajs#598).
 *
 * kafkajs retries an idempotent send forever by default, which would hang the outbox relay (and
 * its shutdown) while the broker is away; here retries are bounded and the relay retries instead.
 * After a failed send the producer is replaced: the broker may have stored that batch under its
 * sequence numbers, and reusing them for other messages could be "deduplicated" away silently. A
 * new producer id turns the relay's re-publish into a plain duplicate, which consumers tolerate.
 */
export class SerialProducer {
  private current?: { producer: Producer; connected: Promise<void> };
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: ProducerSettings,
  ) {}

  /** Resolves once the broker acknowledged every message. */
  send(topic: string, messages: readonly Message[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('event bus is closed'));
    const run = this.tail.then(() => this.sendNow(topic, messages));
    this.tail = run.catch(() => {});
    return run;
  }

  /** Connects now, so a misconfigured broker list fails at start rather than at the first event. */
  async connect(): Promise<void> {
    await this.handle().connected;
  }

  /** Lets queued sends finish, then disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    const current = this.current;
    this.current = undefined;
    await current?.producer.disconnect();
  }

  private async sendNow(topic: string, messages: readonly Message[]): Promise<void> {
    const handle = this.handle();
    try {
      await handle.connected;
      for (const chunk of chunkBySize(messages, this.settings.maxRequestBytes)) {
        await handle.producer.send({ topic, acks: -1, timeout: this.settings.ackTimeoutMs, messages: chunk });
      }
    } catch (error) {
      if (this.current === handle) this.current = undefined;
      handle.producer.disconnect().catch(() => {});
      throw error;
    }
  }

  private handle() {
    if (!this.current) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: this.settings.retry,
        // The Java client's murmur2 partitioning: other clients put a key where we do.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const connected = producer.connect();
      connected.catch(() => {
        if (this.current?.producer === producer) this.current = undefined;
      });
      this.current = { producer, connected };
    }
    return this.current;
  }
}
