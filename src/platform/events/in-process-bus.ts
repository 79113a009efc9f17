import type { Logger } from '../log';
import { DeadLetterError, type EventBus, type Subscription } from './bus';
import type { EventEnvelope } from './envelope';
import { envelopeProblem } from './event-codec';

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
  /** Events a handler declared it can never apply; there is no dead-letter topic in-process. */
  readonly deadLetters: { group: string; topic: string; event: EventEnvelope; reason: string }[] = [];

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
    const next = previous.catch(() => {}).then(() => this.handleSkippingPoison(subscription, topic, this.wellFormed(subscription, topic, events)));
    this.chains.set(key, next);
    next.catch((error) => this.log?.warn('delivery failed; the relay will retry', { topic, group: subscription.group, error }));
    return next;
  }

  /**
   * The edge where an event enters its consumers, as the Kafka decoder is for a topic: what is not
   * an envelope any store could hold is set aside here, once, and handlers never see it.
   */
  private wellFormed(subscription: Subscription, topic: string, events: readonly EventEnvelope[]): readonly EventEnvelope[] {
    const out: EventEnvelope[] = [];
    for (const event of events) {
      const problem = envelopeProblem(event);
      if (problem) this.setAside(subscription, topic, event, problem);
      else out.push(event);
    }
    return out;
  }

  private setAside(subscription: Subscription, topic: string, event: EventEnvelope, reason: string): void {
    this.deadLetters.push({ group: subscription.group, topic, event, reason });
    subscription.onDeadLetter?.({ topic, reason, eventId: typeof event?.id === 'string' ? event.id : undefined });
    this.log?.error('event set aside: it can never be applied', { topic, group: subscription.group, eventId: event?.id, reason });
  }

  /**
   * A handler throwing DeadLetterError names an event that can never be applied: set it aside and
   * deliver the rest, so one poison event cannot block the relay forever.
   */
  private async handleSkippingPoison(subscription: Subscription, topic: string, events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await subscription.handle(topic, events);
    } catch (error) {
      if (!(error instanceof DeadLetterError)) throw error;
      const poison = events.find((e) => e.id === error.eventId) ?? (events.length === 1 ? events[0] : undefined);
      if (!poison) {
        for (const event of events) await this.handleSkippingPoison(subscription, topic, [event]);
        return;
      }
      this.setAside(subscription, topic, poison, error.message);
      const rest = events.filter((e) => e !== poison);
      if (rest.length) await this.handleSkippingPoison(subscription, topic, rest);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
    this.groups.clear();
  }
}
