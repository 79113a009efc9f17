/** Default of RECOMMENDATION_NAME_CACHE_SIZE: some 15 MB of names at most. */
export const DEFAULT_NAME_CACHE_SIZE = 100_000;

/**
 * A user's names as the user service gave them, and the version of the user's stream they are
 * from; null names for a user the user service did not know, at the version it was asked about.
 */
export interface CachedNames {
  firstName: string | null;
  lastName: string | null;
  version: number;
}

/**
 * Names by user id, in memory only, at most `capacity` of them: the least recently used go first.
 * A Map keeps insertion order, so re-inserting on use makes its first key the least recent.
 */
export class NameCache {
  private readonly entries = new Map<number, CachedNames>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a name cache holds at least 1 entry, not ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry, marked as just used; undefined when not cached. */
  get(userId: number): CachedNames | undefined {
    const entry = this.entries.get(userId);
    if (entry === undefined) return undefined;
    this.entries.delete(userId);
    this.entries.set(userId, entry);
    return entry;
  }

  /** Keeps the newer of the entry held and this one (answers to concurrent look-ups may cross). */
  put(userId: number, names: CachedNames): void {
    const held = this.entries.get(userId);
    if (held !== undefined && held.version > names.version) return;
    this.entries.delete(userId);
    this.entries.set(userId, names);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** An erased user's names go at once; nothing brings them back but the user service. */
  forget(userId: number): void {
    this.entries.delete(userId);
  }

  has(userId: number): boolean {
    return this.entries.has(userId);
  }

  /** The entry without marking it used (a sweep looks at every entry). */
  peek(userId: number): CachedNames | undefined {
    return this.entries.get(userId);
  }

  /** The ids cached now, least recently used first. */
  ids(): number[] {
    return [...this.entries.keys()];
  }
}
