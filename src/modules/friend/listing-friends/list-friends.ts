import { and, asc, eq, gt, or } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import type { Friend } from '../contracts/http';
import { toFriend } from '../friendship-rows';
import { friendships } from '../schema';

/**
 * A user's friends, oldest friendship first; each seen from that user's side. `after` is the last
 * friendship id of the previous page: a key, not an offset, so a hub's later pages cost no more
 * than its first and a friendship added meanwhile neither repeats nor hides one.
 */
export async function listFriends(db: Queryable, userId: number, limit: number, after = 0): Promise<Friend[]> {
  const rows = await db
    .select()
    .from(friendships)
    .where(and(or(eq(friendships.userId, userId), eq(friendships.friendId, userId)), gt(friendships.id, after)))
    .orderBy(asc(friendships.id))
    .limit(limit);
  return rows.map((row) => toFriend(row, userId));
}
