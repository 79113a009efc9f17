import { count } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import type { Metrics } from '../../platform/metrics/metrics';
import { users } from './schema';

/** `domain_users`: read on scrape with a count, so it is right whichever instance wrote. */
export function registerUserGauges(metrics: Metrics, db: Db): void {
  metrics.gauge('domain_users', 'Users in the user read model', [], async (g) => {
    const [row] = await db.select({ n: count() }).from(users);
    g.set(Number(row?.n ?? 0));
  });
}
