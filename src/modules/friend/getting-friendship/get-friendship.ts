import { eq } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import { notFound } from '../../../platform/errors';
import type { Friend } from '../contracts/http';
import { toFriend } from '../friendship-rows';
import { friendships } from '../schema';

/** A current friendship by id, as it was asked for; 404 if unknown or removed. */
export async function getFriendship(db: Queryable, id: number): Promise<Friend> {
  const [row] = await db.select().from(friendships).where(eq(friendships.id, id));
  if (!row) throw notFound(`friendship ${id} does not exist`);
  return toFriend(row);
}
