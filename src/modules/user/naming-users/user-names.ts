import { inArray } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import { invalid } from '../../../platform/errors';
import { isId } from '../../../platform/ids';
import { MAX_NAMED_USERS, type UserNames } from '../contracts/http';
import { users } from '../schema';
import { isErased } from '../user-rows';

/** The ids of a `?ids=` parameter, each once; a 400 for an id out of range or too many ids. */
export function parseIds(ids: string): number[] {
  const parsed = [...new Set(ids.split(',').map(Number))];
  const bad = parsed.find((id) => !isId(id));
  if (bad !== undefined) throw invalid(`query ids: ${bad} is not a user id`);
  if (parsed.length > MAX_NAMED_USERS) throw invalid(`query ids: at most ${MAX_NAMED_USERS} ids, got ${parsed.length}`);
  return parsed;
}

/** The names of the users asked about, from the read model (written in each command's transaction). */
export async function userNames(db: Queryable, ids: readonly number[]): Promise<UserNames> {
  const rows = await db
    .select({ id: users.id, firstName: users.firstName, lastName: users.lastName, version: users.version })
    .from(users)
    .where(inArray(users.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const answer: UserNames = { users: [], erased: [] };
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue;
    if (isErased(row)) answer.erased.push(id);
    else answer.users.push(row);
  }
  return answer;
}
