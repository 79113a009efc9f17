import type { EventEnvelope } from './envelope';

/**
 * The event bus port. `publish` resolves only once the bus holds the events durably (Kafka: acks
 * from all in-sync replicas; in-process: every subscribed group has handled them), which is what
 * lets the outbox relay delete a row safely.
 */
export interface EventBus {
  publish(topic: string, events: readonly EventEnvelope[]): Promise<void>;
  subscribe(subscription: Subscription): Promise<void>;
  close(): Promise<void>;
  /**
   * How far a consumer group is behind the end of each partition of its topics, for buses that
   * have offsets (Kafka). The in-process bus has none: its publish returns once every group applied.
   */
  consumerLag?(group: string, topics: readonly string[]): Promise<PartitionLag[]>;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages after the group's committed offset. */
  lag: number;
}

/** An event (or a message that is not one) set aside for good: never applied, moved on from. */
export interface DeadLetter {
  topic: string;
  reason: string;
  eventId?: string;
}

export interface Subscription {
  /** Consumer group: each group sees every event once (at least once); instances share the work. */
  group: string;
  topics: readonly string[];
  /**
   * Handles a batch from one topic, in order per stream. Resolving acknowledges the batch, so it
   * must resolve only after the effects are durable. Throwing means "redeliver later", except a
   * `DeadLetterError`, which means "never deliverable".
   */
  handle(topic: string, events: readonly EventEnvelope[]): Promise<void>;
  /** Told of each message of this group the bus set aside (dead-lettered), for counters and alerts. */
  onDeadLetter?(deadLetter: DeadLetter): void;
}

/**
 * Thrown by a handler for an event it can never apply (a poison message): retrying would block its
 * partition forever. A bus that has a dead-letter destination moves the event there and moves on;
 * any other error means "transient, redeliver later". `eventId` names the culprit when the handler
 * was given a batch, so the rest of the batch is still applied.
 */
export class DeadLetterError extends Error {
  override readonly name = 'DeadLetterError';

  constructor(
    message: string,
    readonly eventId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
