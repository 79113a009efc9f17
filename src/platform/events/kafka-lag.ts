import type { Admin } from 'kafkajs';
import type { PartitionLag } from './bus';

/**
 * A group's lag per partition: the partition's end offset minus the group's committed offset (or
 * minus its start, when the group has committed nothing there yet, as it would consume it all).
 */
export async function consumerLag(admin: Admin, group: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const [committed, ...ends] = await Promise.all([
    admin.fetchOffsets({ groupId: group, topics: [...topics] }),
    ...topics.map((topic) => admin.fetchTopicOffsets(topic)),
  ]);
  const committedAt = new Map<string, bigint>();
  for (const { topic, partitions } of committed) {
    for (const { partition, offset } of partitions) committedAt.set(`${topic}:${partition}`, BigInt(offset));
  }
  return topics.flatMap((topic, i) =>
    ends[i]!.map(({ partition, high, low }) => {
      const at = committedAt.get(`${topic}:${partition}`) ?? -1n;
      const from = at >= 0n ? at : BigInt(low);
      const lag = BigInt(high) - from;
      return { topic, partition, lag: Number(lag > 0n ? lag : 0n) };
    }),
  );
}
