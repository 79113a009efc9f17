import { asc, eq, or } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import type { Friend } from '../contracts/http';
import { toFriend } from '../friendship-projection';
import { friendships } from '../schema';

/** A user's friends, oldest friendship first; each seen from that user's side. */
export async function listFriends(db: Queryable, userId: number, limit: number): Promise<Friend[]> {
  const rows = await db
    .select()
    .from(friendships)
    .where(or(eq(friendships.userId, userId), eq(friendships.friendId, userId)))
    .orderBy(asc(friendships.id))
    .limit(limit);
  return rows.map((row) => toFriend(row, userId));
}
