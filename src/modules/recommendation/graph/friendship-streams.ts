import { DEGREE_MASK, DEGREE, MAX_TAG, META_STRIDE, SLOT_MASK, START, type Adjacency } from './adjacency';
import { PairTable } from './pair-table';

/** The tag of a linked pair whose version does not fit in a byte: the version is in the table. */
const SPILLED = MAX_TAG;

/**
 * The state of every friendship stream: whether the pair is linked, and the highest version
 * applied, which must outlive a removal so that a late, older FriendAdded cannot bring the
 * friendship back (see social-graph.ts).
 *
 * Almost every stream belongs to a linked pair, so its version rides in the tag byte of the pair's
 * two adjacency entries: no key, no memory and no lookup beyond the scan that finds the link. Only
 * what the adjacency cannot hold goes to a hash table of slot pairs: the versions of unlinked pairs
 * (removed, or known only from a FriendRemoved) and versions above 254 of linked pairs. A Map
 * entry per stream, as before, cost ~100 bytes per friendship.
 */
export class FriendshipStreams {
  private spilled = new PairTable();

  constructor(private readonly adjacency: Adjacency) {}

  /** Applies the state of the stream of pair (a, b) if `version` is newer than the one applied. */
  apply(a: number, b: number, version: number, linked: boolean): void {
    const { adjacency, spilled } = this;
    spilled.prefetch(a, b); // needed next unless the pair is linked and stays so
    const at = adjacency.find(a, b);
    const tag = at < 0 ? -1 : adjacency.tagAt(at);
    const applied = at >= 0 && tag !== SPILLED ? tag : spilled.get(a, b);
    if (version <= applied) return;
    if (!linked) {
      if (at >= 0) adjacency.unlink(a, b, at);
      spilled.set(a, b, version);
      return;
    }
    const newTag = version < SPILLED ? version : SPILLED;
    if (at < 0) adjacency.link(a, b, newTag);
    else if (newTag !== tag) adjacency.retag(a, b, at, newTag);
    if (newTag === SPILLED) spilled.set(a, b, version);
    else spilled.delete(a, b);
  }

  /**
   * Unlinks every friend of `a` and keeps each stream's version, so the friendships of an erased
   * user end at once, whatever the friend service's own removals (which come later) say.
   */
  detach(a: number): void {
    const { adjacency } = this;
    const start = adjacency.meta[a * META_STRIDE + START]!;
    const degree = adjacency.meta[a * META_STRIDE + DEGREE]! & DEGREE_MASK;
    const friends = Array.from(adjacency.entries.subarray(start, start + degree), (entry) => entry & SLOT_MASK);
    for (const b of friends) {
      const version = this.version(a, b);
      adjacency.unlink(a, b, adjacency.find(a, b));
      this.spilled.set(a, b, version);
    }
  }

  /**
   * Sets the state of a stream this graph has not seen, without looking for the pair first (a
   * look-up scans a list, and loading an image of millions of streams did little else). Only for
   * loading an image, which lists each stream once.
   */
  load(a: number, b: number, version: number, linked: boolean): void {
    if (!linked) return this.spilled.set(a, b, version);
    const tag = version < SPILLED ? version : SPILLED;
    this.adjacency.link(a, b, tag);
    if (tag === SPILLED) this.spilled.set(a, b, version);
  }

  /** The highest version applied to the stream of pair (a, b); 0 when none. */
  version(a: number, b: number): number {
    const at = this.adjacency.find(a, b);
    const tag = at < 0 ? -1 : this.adjacency.tagAt(at);
    return at >= 0 && tag !== SPILLED ? tag : this.spilled.get(a, b);
  }

  /** Calls `visit` once per stream applied so far, for the snapshot; pairs in no particular order. */
  forEach(visit: (a: number, b: number, version: number, linked: boolean) => void): void {
    const { adjacency, spilled } = this;
    adjacency.forEachLink((a, b, tag) => visit(a, b, tag === SPILLED ? spilled.get(a, b) : tag, true));
    spilled.forEach((a, b, version) => {
      if (adjacency.find(a, b) < 0) visit(a, b, version, false);
    });
  }
}
