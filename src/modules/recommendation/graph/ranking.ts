import { DEGREE, DEGREE_MASK, META_STRIDE, SLOT_MASK, START, type Adjacency } from './adjacency';
import { topKeys } from './top-keys';

/**
 * Marks the user and their friends in `counts`: counting adds to it like to any other slot (at most
 * once per friend of the user), and it stays far below zero, so the counting loop needs no test.
 */
const EXCLUDED = -(2 ** 30);
// A candidate is sorted as one double: (MAX_WEIGHT - weight) * 2^32 + id. Ascending order is then
// weight descending, id ascending, and every value stays below 2^53, so it is exact.
const ID_SPAN = 2 ** 32;
const MAX_WEIGHT = 2 ** 20;
/**
 * Above this many friend-of-friend links per slot of the graph, counting keeps no list of the slots
 * it reached: two passes over all slots, in memory order, find the candidates afterwards. Counting
 * is then a bare increment, which pays for the passes once the walk is long enough: the case of
 * hubs, whose friends reach most of the graph. Measured at 100k users (CPU time): from 2 to 4 about
 * equal; at 1 the heaviest 1% of users take ~25% longer, and without dense counting hubs ~50%.
 */
const DENSE_WALK_PER_SLOT = 2;

/**
 * The hot paths of the in-memory graph, written for 100k users with ~50 friends each: no per-call
 * maps or sets, only typed arrays that are reused (grown when the graph grows) and native sorts.
 * Not reentrant, which is fine: each query runs to completion without awaiting.
 */
export class Ranking {
  /** Per slot: 0 untouched, below 0 the user or a friend, else mutual friends counted so far. */
  private counts = new Int32Array(1024);
  /** The candidates of a sparse count: the slots it reached, each once. */
  private touched = new Int32Array(1024);
  private keys = new Float64Array(1024);
  private heap = new Float64Array(128);
  /** Candidates per mutual-friend count, for the floor; all zero between calls. */
  private histogram = new Int32Array(64);
  /** Per slot: the user id, so ranking never goes back to a map. */
  private ids = new Int32Array(1024);

  constructor(private readonly adjacency: Adjacency) {}

  /** Called for every slot the graph creates. */
  register(slot: number, id: number): void {
    if (slot >= this.ids.length) {
      const size = Math.max(slot + 1, this.ids.length * 2);
      this.counts = new Int32Array(size); // all zero between calls, so nothing to copy
      this.touched = new Int32Array(size);
      this.keys = new Float64Array(size);
      const ids = new Int32Array(size);
      ids.set(this.ids);
      this.ids = ids;
    }
    this.ids[slot] = id;
  }

  /**
   * Top `limit` friends of friends of `me`, heaviest first, ties by id, each made by `make` from its
   * id and weight (mutual friends): no intermediate pair per candidate.
   */
  recommend<T>(me: number, limit: number, make: (id: number, weight: number) => T): T[] {
    const { counts } = this;
    const { entries, meta } = this.adjacency;
    const from = meta[me * META_STRIDE + START]!;
    const to = from + (meta[me * META_STRIDE + DEGREE]! & DEGREE_MASK);
    // A candidate has at most one mutual friend per friend of the user. Sized before counting: from
    // there to the reset nothing allocates or throws, so the counts are always left all zero.
    if (this.histogram.length <= to - from) this.histogram = new Int32Array(to - from + 1);
    let walk = 0;
    counts[me] = EXCLUDED;
    for (let i = from; i < to; i++) {
      const friend = entries[i]! & SLOT_MASK;
      counts[friend] = EXCLUDED;
      walk += meta[friend * META_STRIDE + DEGREE]! & DEGREE_MASK;
    }
    const ranked = walk > DENSE_WALK_PER_SLOT * this.adjacency.slots ? this.rankDense(from, to, limit) : this.rankSparse(me, from, to, limit);
    return topKeys(this.keys, ranked, limit, this.heapFor(Math.min(limit, ranked))).map((key) => make(key % ID_SPAN, MAX_WEIGHT - Math.floor(key / ID_SPAN)));
  }

  /** Ids of the friends of both `a` and `b`, ascending, at most `limit`. */
  mutual(a: number, b: number, limit: number): number[] {
    const { counts, keys, ids } = this;
    const { entries, meta } = this.adjacency;
    const aFrom = meta[a * META_STRIDE + START]!;
    const aTo = aFrom + (meta[a * META_STRIDE + DEGREE]! & DEGREE_MASK);
    const bFrom = meta[b * META_STRIDE + START]!;
    const bTo = bFrom + (meta[b * META_STRIDE + DEGREE]! & DEGREE_MASK);
    for (let i = aFrom; i < aTo; i++) counts[entries[i]! & SLOT_MASK] = 1;
    let n = 0;
    for (let i = bFrom; i < bTo; i++) {
      const slot = entries[i]! & SLOT_MASK;
      if (counts[slot] === 1) keys[n++] = ids[slot]!;
    }
    for (let i = aFrom; i < aTo; i++) counts[entries[i]! & SLOT_MASK] = 0;
    return topKeys(keys, n, limit, this.heapFor(Math.min(limit, n)));
  }

  /**
   * Counts the friends of friends reached from the list entries[from, to) of `me`, noting each slot
   * the first time it is reached, without a branch: the slot is always written, and kept by
   * advancing `n` only when its count was 0 (whether a slot is new is unpredictable, and the
   * mispredictions made the heaviest 1% of users twice as slow). Then keys the candidates that can
   * make the page and resets every count. Returns the number of keys.
   */
  private rankSparse(me: number, from: number, to: number, limit: number): number {
    const { counts, touched, keys, ids, histogram } = this;
    const { entries, meta } = this.adjacency;
    let n = 0;
    for (let i = from; i < to; i++) {
      const friend = (entries[i]! & SLOT_MASK) * META_STRIDE;
      const start = meta[friend + START]!;
      const end = start + (meta[friend + DEGREE]! & DEGREE_MASK);
      for (let j = start; j < end; j++) {
        const slot = entries[j]! & SLOT_MASK;
        const count = counts[slot]!;
        counts[slot] = count + 1;
        touched[n] = slot;
        n += ((count | -count) >>> 31) ^ 1; // 1 when count is 0
      }
    }
    // The user and their friends were reached too, but only as slots already marked, never noted.
    for (let i = 0; i < n; i++) histogram[counts[touched[i]!]!]!++;
    // Only candidates that can make the page get a key: every one with at least `floor` mutual
    // friends (ties at the floor are settled by id in topKeys), so that a heavy user's thousands of
    // weight-1 candidates drop out before the heap.
    const floor = this.floor(n, limit, to - from);
    let ranked = 0;
    for (let i = 0; i < n; i++) {
      const slot = touched[i]!;
      const count = counts[slot]!;
      counts[slot] = 0;
      if (count >= floor) keys[ranked++] = keyOf(count, ids[slot]!);
    }
    for (let i = from; i < to; i++) counts[entries[i]! & SLOT_MASK] = 0;
    counts[me] = 0;
    return ranked;
  }

  /** Like rankSparse, but finds the candidates by passes over all slots. */
  private rankDense(from: number, to: number, limit: number): number {
    const { counts, keys, ids, histogram } = this;
    const { entries, meta, slots } = this.adjacency;
    for (let i = from; i < to; i++) {
      const friend = (entries[i]! & SLOT_MASK) * META_STRIDE;
      const start = meta[friend + START]!;
      const end = start + (meta[friend + DEGREE]! & DEGREE_MASK);
      for (let j = start; j < end; j++) counts[entries[j]! & SLOT_MASK]!++;
    }
    let n = 0;
    for (let slot = 0; slot < slots; slot++) {
      const count = counts[slot]!;
      if (count > 0) {
        histogram[count]!++;
        n++;
      }
    }
    const floor = this.floor(n, limit, to - from);
    let ranked = 0;
    for (let slot = 0; slot < slots; slot++) if (counts[slot]! >= floor) keys[ranked++] = keyOf(counts[slot]!, ids[slot]!);
    counts.fill(0, 0, slots); // the user and their friends too
    return ranked;
  }

  /**
   * The lowest count that at least `limit` of the `n` candidates reach (1 when all fit), from the
   * histogram of their counts, which are at most `most`; leaves the histogram all zero.
   */
  private floor(n: number, limit: number, most: number): number {
    const { histogram } = this;
    let floor = 1;
    if (n > limit) {
      floor = most;
      for (let reached = histogram[most]!; floor > 1 && reached < limit; ) reached += histogram[--floor]!;
    }
    histogram.fill(0, 0, most + 1);
    return floor;
  }

  private heapFor(limit: number): Float64Array {
    if (this.heap.length < limit) this.heap = new Float64Array(limit);
    return this.heap;
  }
}

/** Over 2^20 mutual friends would lose precision: clamp (far beyond any real graph). */
const keyOf = (count: number, id: number) => (MAX_WEIGHT - Math.min(count, MAX_WEIGHT)) * ID_SPAN + id;
