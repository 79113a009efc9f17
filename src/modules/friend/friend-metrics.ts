import { count } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import type { Metrics } from '../../platform/metrics/metrics';
import { friendships } from './schema';

/** `domain_friendships`: current friendships (each pair once), counted on scrape. */
export function registerFriendGauges(metrics: Metrics, db: Db): void {
  metrics.gauge('domain_friendships', 'Current friendships in the friend read model, each pair once', [], async (g) => {
    const [row] = await db.select({ n: count() }).from(friendships);
    g.set(Number(row?.n ?? 0));
  });
}
