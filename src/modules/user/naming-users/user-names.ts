import { inArray } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import { invalid } from '../../../platform/errors';
import { parseIdList } from '../../../platform/http/id-list';
import { MAX_NAMED_USERS, type UserNames } from '../contracts/http';
import { users } from '../schema';
import type { KeyStore } from '../personal-data/key-store';
import { namesOfRows } from '../personal-data/open-names';

/** The ids of a `?ids=` parameter (already checked by its schema, see UserNamesQuery), each once. */
export function parseIds(ids: string): number[] {
  const parsed = parseIdList(ids, MAX_NAMED_USERS);
  if (!parsed) throw invalid(`query ids: expected comma-separated user ids, at most ${MAX_NAMED_USERS}`);
  return [...new Set(parsed)];
}

/** The names of the users asked about, from the read model (written in each command's transaction). */
export async function userNames(db: Queryable, keys: KeyStore, ids: readonly number[]): Promise<UserNames> {
  const rows = await db
    .select({ id: users.id, sealedNames: users.sealedNames, firstName: users.firstName, lastName: users.lastName, version: users.version })
    .from(users)
    .where(inArray(users.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const names = await namesOfRows(keys, rows);
  const answer: UserNames = { users: [], erased: [] };
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue;
    const named = names.get(id);
    if (named) answer.users.push({ id, ...named, version: row.version });
    else answer.erased.push(id);
  }
  return answer;
}
