import type { PersonalNames } from '../contracts/events';
import { isErased, type UserRow } from '../user-rows';
import type { KeyStore } from './key-store';
import { openNames } from './sealed-names';

export type NamedRow = Pick<UserRow, 'id' | 'sealedNames' | 'firstName' | 'lastName'>;

/**
 * The names of read-model rows, opened with their users' keys (one look-up for all of them).
 * Erased users are left out. A sealed row whose key is gone counts as erased too: that is what a
 * destroyed key means, whatever a row still says.
 */
export async function namesOfRows(keys: KeyStore, rows: readonly NamedRow[], options?: { cache: boolean }): Promise<Map<number, PersonalNames>> {
  const names = new Map<number, PersonalNames>();
  const sealed = rows.filter((row) => row.sealedNames !== null);
  const found = sealed.length > 0 ? await keys.get(sealed.map((row) => row.id), options) : new Map();
  for (const row of rows) {
    if (row.sealedNames !== null) {
      const key = found.get(row.id);
      if (key) names.set(row.id, openNames(key, row.id, row.sealedNames));
    } else if (!isErased(row)) names.set(row.id, { firstName: row.firstName!, lastName: row.lastName! });
  }
  return names;
}
