import { eq } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import { gone, notFound } from '../../../platform/errors';
import type { KeyStore } from '../personal-data/key-store';
import { namesOfRows } from '../personal-data/open-names';
import { users } from '../schema';
import { isErased, toUser, type UserRow } from '../user-rows';

/** The user's read-model row; 404 when the user was never created, 410 once erased. */
export async function liveUserRow(db: Queryable, userId: number): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row) throw notFound(`user ${userId} does not exist`);
  if (isErased(row)) throw gone(`user ${userId} was erased`);
  return row;
}

/** Reads the user read model and opens the names with the user's key. */
export async function getUser(db: Queryable, keys: KeyStore, userId: number) {
  const row = await liveUserRow(db, userId);
  const names = (await namesOfRows(keys, [row])).get(userId);
  if (!names) throw gone(`user ${userId} was erased`);
  return { user: toUser(row, names), version: row.version };
}
