import { eq } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import { gone, notFound } from '../../../platform/errors';
import { users } from '../schema';
import { isErased, toUser } from '../user-rows';

/** Reads the user read model; 404 when the user was never created, 410 once erased. */
export async function getUser(db: Queryable, userId: number) {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row) throw notFound(`user ${userId} does not exist`);
  if (isErased(row)) throw gone(`user ${userId} was erased`);
  return { user: toUser(row), version: row.version };
}
