import type { Logger } from '../log';
import type { EventBus, Subscription } from './bus';
import type { EventEnvelope } from './envelope';

/**
 * The embedded bus: delivery is a function call. `publish` waits until every group subscribed to
 * the topic has handled the batch, so an event leaves the outbox only once each consumer has
 * durably applied it. A crash before that point leaves the row in the outbox, to be published
 * again at start (at-least-once; consumers are idempotent).
 */
export class InProcessBus implements EventBus {
  private readonly groups = new Map<string, Subscription[]>();
  /** One delivery chain per group and topic keeps batches in publish order. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly log?: Logger) {}

  async subscribe(subscription: Subscription): Promise<void> {
    for (const topic of subscription.topics) {
      const list = this.groups.get(topic) ?? [];
      if (list.some((s) => s.group === subscription.group)) {
        throw new Error(`group ${subscription.group} already subscribed to ${topic}`);
      }
      list.push(subscription);
      this.groups.set(topic, list);
    }
  }

  async publish(topic: string, events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const subscribers = this.groups.get(topic) ?? [];
    await Promise.all(subscribers.map((s) => this.deliver(s, topic, events)));
  }

  private deliver(subscription: Subscription, topic: string, events: readonly EventEnvelope[]) {
    const key = `${subscription.group}\u0000${topic}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => subscription.handle(topic, events));
    this.chains.set(key, next);
    next.catch((error) => this.log?.warn('delivery failed; the relay will retry', { topic, group: subscription.group, error }));
    return next;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
    this.groups.clear();
  }
}
