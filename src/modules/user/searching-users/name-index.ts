import type { User } from '../contracts/http';

interface Entry {
  /** Undefined once the user is erased: the entry stays as a tombstone that holds the version. */
  user: User | undefined;
  /** The user stream's version this entry reflects: what a Consistency-Token is checked against. */
  version: number;
  first: string;
  last: string;
}

const fold = (name: string) => name.normalize('NFKC').toLocaleLowerCase('en');

/**
 * Users by the start of their first or last name, case-insensitive, held in memory. The database
 * cannot answer this once names are encrypted at rest (a prefix of ciphertext means nothing), so
 * the index is fed with plaintext the module already holds: the read model at start, then each
 * command's result, then a periodic catch-up for changes made by other instances.
 */
export class NameIndex {
  private readonly entries = new Map<number, Entry>();

  /**
   * Keeps the newest state of each user: a catch-up that read a row just before a command changed
   * it may put the older state after the command's own put, and must not win.
   */
  put(user: User, version: number): void {
    const known = this.entries.get(user.id);
    if (known && known.version > version) return;
    this.entries.set(user.id, { user, version, first: fold(user.firstName), last: fold(user.lastName) });
  }

  /** The stream version held for each user id (0 when the index has never seen the user). */
  versionOf(id: number): number {
    return this.entries.get(id)?.version ?? 0;
  }

  /**
   * An erased user leaves every answer for good. The entry keeps the erasure's version, so a
   * token for the erasure is reached and a catch-up that read the row before it cannot bring the
   * user back.
   */
  erase(id: number, version: number): void {
    const known = this.entries.get(id);
    if (known && known.version > version) return;
    this.entries.set(id, { user: undefined, version, first: '', last: '' });
  }

  /** Users that can be found (erased ones are not). */
  get size(): number {
    let live = 0;
    for (const entry of this.entries.values()) if (entry.user) live++;
    return live;
  }

  /** Matches, lowest id first; an all-digit query also matches that id exactly. */
  search(query: string, limit: number): User[] {
    const q = fold(query.trim());
    const found: User[] = [];
    const byId = /^\d+$/.test(q) ? this.entries.get(Number(q))?.user : undefined;
    if (byId) found.push(byId);
    if (q === '') return found;
    // Every match, then the lowest ids: insertion order is not id order (renames, catch-up).
    for (const { user, first, last } of this.entries.values()) {
      if (!user || user === byId) continue;
      if (first.startsWith(q) || last.startsWith(q) || `${first} ${last}`.startsWith(q)) found.push(user);
    }
    return found.sort((a, b) => a.id - b.id).slice(0, limit);
  }
}
