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
}

export interface Subscription {
  /** Consumer group: each group sees every event once (at least once); instances share the work. */
  group: string;
  topics: readonly string[];
  /**
   * Handles a batch from one topic, in order per stream. Resolving acknowledges the batch, so it
   * must resolve only after the effects are durable. Throwing means "redeliver later".
   */
  handle(topic: string, events: readonly EventEnvelope[]): Promise<void>;
}
