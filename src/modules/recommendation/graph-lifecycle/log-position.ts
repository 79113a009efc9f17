import { max } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { receivedEvents } from '../schema';

/** Position of the newest log row; 0 for an empty log. */
export const lastLogPosition = async (db: Db): Promise<number> =>
  (await db.select({ last: max(receivedEvents.position) }).from(receivedEvents))[0]?.last ?? 0;
