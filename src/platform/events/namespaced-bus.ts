import type { EventBus } from './bus';

/**
 * Puts every topic and consumer group of a bus under a prefix, so several installations (or test
 * runs) can share one Kafka cluster without seeing each other's events. Modules keep using the
 * topic names of their contracts.
 */
export function namespaced(bus: EventBus, prefix: string): EventBus {
  if (!prefix) return bus;
  return {
    publish: (topic, events) => bus.publish(prefix + topic, events),
    subscribe: (s) =>
      bus.subscribe({
        group: prefix + s.group,
        topics: s.topics.map((t) => prefix + t),
        handle: (topic, events) => s.handle(topic.slice(prefix.length), events),
        ...(s.onDeadLetter ? { onDeadLetter: (d) => s.onDeadLetter!({ ...d, topic: d.topic.slice(prefix.length) }) } : {}),
      }),
    close: () => bus.close(),
    ...(bus.consumerLag
      ? {
          consumerLag: async (group, topics) =>
            (await bus.consumerLag!(prefix + group, topics.map((t) => prefix + t))).map((p) => ({ ...p, topic: p.topic.slice(prefix.length) })),
        }
      : {}),
  };
}
