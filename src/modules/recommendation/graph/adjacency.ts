import { capacityOf, MAX_SIZE_CLASS, NO_BLOCK } from './size-classes';

/** An entry is a friend slot in its low 24 bits and the pair's tag (a byte) above them. */
export const SLOT_MASK = 0xffffff;
const TAG_SHIFT = 24;
export const MAX_TAG = 255;
/** What 24 bits of slot allow: far beyond what an in-memory graph of this design is for. */
const MAX_SLOTS = SLOT_MASK + 1;

/**
 * Per slot in `meta`, two words: where its block starts, and its degree with the block's size class
 * in the byte above (a list holds at most every other slot, so its degree fits in 24 bits). Two
 * words rather than three keep the array small enough to stay in cache: every update and every
 * friend of a user in a query reads it.
 */
export const META_STRIDE = 2;
export const START = 0;
export const DEGREE = 1;
export const DEGREE_MASK = 0xffffff;
const CLASS_SHIFT = 24;

const INITIAL_ENTRIES = 1024;
const INITIAL_SLOTS = 1024;
/** Free blocks are chained through their first entry; this ends a chain. */
const END = -1;
/** From this length a list is copied natively when the arena is compacted: worth a view. */
const NATIVE_COPY_FROM = 256;

/**
 * Undirected friendships between dense slots. Each slot's list of entries sits in one block of a
 * shared arena; an entry is the friend's slot and a one-byte tag that the caller sets when it links
 * the pair (both entries of a pair carry the same tag). An entry costs its 4 bytes plus the unused
 * end of its block (~10%, see size-classes.ts): at 100k users with 50 friends each, a Set per user
 * cost ~80 bytes per entry, and an Int32Array per user ~60 bytes per user on top of its entries.
 *
 * Everything one change touches sits close together: a slot's start, degree and size class share
 * a cache line, and a pair's tag is in its entries. A random access to memory can cost hundreds of
 * ns (a cache and a TLB miss, more so under virtualization), so accesses, not instructions, are
 * what an update or a query pays for.
 *
 * A list that outgrows its block moves to a block of the next class; the old one goes to a free
 * chain of its class for the next list that grows into it. When the arena is full and a sixteenth
 * of it is free blocks, it is compacted instead of grown. Order within a list carries no meaning:
 * removal swaps the last entry into the hole.
 */
export class Adjacency {
  /**
   * The arena: the entries of each slot are entries[start, start + degree) (see `meta`). Read-only
   * outside this class, and replaced when the arena grows: read it again after any change.
   */
  entries = new Int32Array(INITIAL_ENTRIES);
  /** META_STRIDE words per slot; read-only outside this class, replaced as slots are added. */
  meta = new Int32Array(INITIAL_SLOTS * META_STRIDE);
  private slotCount = 0;
  private edges = 0;
  /** Entries handed out so far: the arena beyond is untouched. */
  private used = 0;
  private freeChains = new Int32Array(MAX_SIZE_CLASS + 1).fill(END);
  private freeEntries = 0;
  /** Values read only to bring memory into the cache early; kept so the reads are not dropped. */
  private prefetched = 0;

  get slots(): number {
    return this.slotCount;
  }

  get friendships(): number {
    return this.edges;
  }

  /** Adds an unconnected slot and returns it; its block is taken at its first link. */
  addSlot(): number {
    if (this.slotCount === MAX_SLOTS) throw new RangeError(`the in-memory graph holds at most ${MAX_SLOTS} users`);
    const slot = this.slotCount++;
    if ((slot + 1) * META_STRIDE > this.meta.length) {
      const meta = new Int32Array(this.meta.length * 2);
      meta.set(this.meta);
      this.meta = meta;
    }
    this.meta[slot * META_STRIDE + DEGREE] = NO_BLOCK << CLASS_SHIFT;
    return slot;
  }

  degree(slot: number): number {
    return this.meta[slot * META_STRIDE + DEGREE]! & DEGREE_MASK;
  }

  /**
   * Where the pair's entry sits in the shorter of the two lists (an index into `entries`), or -1
   * when they are not linked. A scan: short for all but pairs of two hubs.
   */
  find(a: number, b: number): number {
    const short = this.degree(a) <= this.degree(b) ? a : b;
    const long = short === a ? b : a;
    const { entries, meta } = this;
    // A change to the pair goes on to the longer list (its end, or the entry and the end): load its
    // ends now, so that its memory is on the way while the shorter list is scanned. Misses cost
    // hundreds of ns here, and overlapping those of the two lists cut a removal by a third.
    const longStart = meta[long * META_STRIDE + START]!;
    const longDegree = this.degree(long);
    if (longDegree > 0) this.prefetched = entries[longStart]! ^ entries[longStart + longDegree - 1]!;
    const start = meta[short * META_STRIDE + START]!;
    const end = start + this.degree(short);
    for (let at = start; at < end; at++) if ((entries[at]! & SLOT_MASK) === long) return at;
    return -1;
  }

  /** The tag of the entry at `at`. */
  tagAt(at: number): number {
    return this.entries[at]! >>> TAG_SHIFT;
  }

  /** Links two slots the caller knows are not linked. */
  link(a: number, b: number, tag: number): void {
    this.append(a, b | (tag << TAG_SHIFT));
    this.append(b, a | (tag << TAG_SHIFT));
    this.edges++;
  }

  /**
   * Gives each slot still without a block one that fits `degrees[slot]` entries, all in one
   * growth of the arena: loading an image then links every pair without moving a list (a list
   * built up link by link moves through every size class on its way).
   */
  reserve(degrees: Int32Array): void {
    const classes = new Uint8Array(this.slotCount).fill(NO_BLOCK);
    let needed = 0;
    for (let slot = 0; slot < this.slotCount; slot++) {
      const degree = degrees[slot] ?? 0;
      if (degree === 0 || this.meta[slot * META_STRIDE + DEGREE]! >>> CLASS_SHIFT !== NO_BLOCK) continue;
      let sizeClass = 0;
      while (capacityOf(sizeClass) < degree) sizeClass++;
      if (sizeClass > MAX_SIZE_CLASS) throw new RangeError(`slot ${slot} has too many friends`);
      classes[slot] = sizeClass;
      needed += capacityOf(sizeClass);
    }
    if (this.used + needed > this.entries.length) this.makeRoom(needed);
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (classes[slot] === NO_BLOCK) continue;
      this.meta[slot * META_STRIDE + START] = this.used;
      this.meta[slot * META_STRIDE + DEGREE] = classes[slot]! << CLASS_SHIFT;
      this.used += capacityOf(classes[slot]!);
    }
  }

  /** Unlinks a pair, `at` being what find(a, b) returned (no change in between). */
  unlink(a: number, b: number, at: number): void {
    const short = this.degree(a) <= this.degree(b) ? a : b;
    const long = short === a ? b : a;
    const mirror = short | (this.entries[at]! & ~SLOT_MASK);
    this.remove(short, at);
    this.remove(long, this.position(long, mirror));
    this.edges--;
  }

  /** Replaces the tag of a pair, `at` being what find(a, b) returned (no change in between). */
  retag(a: number, b: number, at: number, tag: number): void {
    const short = this.degree(a) <= this.degree(b) ? a : b;
    const long = short === a ? b : a;
    const mirror = this.position(long, short | (this.entries[at]! & ~SLOT_MASK));
    this.entries[at] = long | (tag << TAG_SHIFT);
    this.entries[mirror] = short | (tag << TAG_SHIFT);
  }

  /** Calls `visit` once per linked pair, with its tag; pairs in no particular order. */
  forEachLink(visit: (a: number, b: number, tag: number) => void): void {
    for (let slot = 0; slot < this.slotCount; slot++) {
      const start = this.meta[slot * META_STRIDE + START]!;
      const end = start + this.degree(slot);
      for (let at = start; at < end; at++) {
        const friend = this.entries[at]! & SLOT_MASK;
        if (friend > slot) visit(slot, friend, this.tagAt(at));
      }
    }
  }

  /**
   * Where `entry` sits in the arena within the list of `slot`; throws when it is not there. A list
   * holds each friend once, so the first match from the list's start is the one: the native search
   * needs no view of the list, and beats a loop here at every length (2x on a hub's list).
   */
  private position(slot: number, entry: number): number {
    const start = this.meta[slot * META_STRIDE + START]!;
    const at = this.entries.indexOf(entry, start);
    if (at < 0 || at >= start + this.degree(slot)) throw new Error(`slot ${slot} has no entry ${entry & SLOT_MASK} tagged ${entry >>> TAG_SHIFT}`);
    return at;
  }

  private append(slot: number, entry: number): void {
    const word = this.meta[slot * META_STRIDE + DEGREE]!;
    const degree = word & DEGREE_MASK;
    const sizeClass = word >>> CLASS_SHIFT;
    if (sizeClass === NO_BLOCK) this.moveTo(slot, 0);
    else if (degree === capacityOf(sizeClass)) this.moveTo(slot, sizeClass + 1);
    this.entries[this.meta[slot * META_STRIDE + START]! + degree] = entry;
    this.meta[slot * META_STRIDE + DEGREE]!++; // the degree is the low bits, below its capacity
  }

  private remove(slot: number, at: number): void {
    const last = this.meta[slot * META_STRIDE + START]! + this.degree(slot) - 1;
    this.entries[at] = this.entries[last]!;
    this.meta[slot * META_STRIDE + DEGREE]!--;
  }

  /** Moves the list of `slot` into a new block of `sizeClass` and frees its old block. */
  private moveTo(slot: number, sizeClass: number): void {
    if (sizeClass > MAX_SIZE_CLASS) throw new RangeError(`slot ${slot} has too many friends`);
    const start = this.allocate(sizeClass); // may compact: read the old block only after
    const base = slot * META_STRIDE;
    const oldClass = this.meta[base + DEGREE]! >>> CLASS_SHIFT;
    const degree = this.degree(slot);
    if (oldClass !== NO_BLOCK) {
      const from = this.meta[base + START]!;
      this.entries.copyWithin(start, from, from + degree);
      this.release(from, oldClass);
    }
    this.meta[base + START] = start;
    this.meta[base + DEGREE] = (sizeClass << CLASS_SHIFT) | degree;
  }

  private allocate(sizeClass: number): number {
    const free = this.freeChains[sizeClass]!;
    const capacity = capacityOf(sizeClass);
    if (free !== END) {
      this.freeChains[sizeClass] = this.entries[free]!;
      this.freeEntries -= capacity;
      return free;
    }
    if (this.used + capacity > this.entries.length) this.makeRoom(capacity);
    const start = this.used;
    this.used += capacity;
    return start;
  }

  private release(start: number, sizeClass: number): void {
    this.entries[start] = this.freeChains[sizeClass]!;
    this.freeChains[sizeClass] = start;
    this.freeEntries += capacityOf(sizeClass);
  }

  /**
   * Makes room for `capacity` more entries at the end. Free blocks beyond a sixteenth of the arena
   * are squeezed out first; growth is by an eighth, so the unused end stays small: every byte here
   * is multiplied by millions of entries, and a copy now and then is cheap (amortised, each entry
   * is copied ~9 times while a graph is built up from nothing).
   */
  private makeRoom(capacity: number): void {
    const reclaim = this.freeEntries * 16 >= this.used;
    const needed = (reclaim ? this.used - this.freeEntries : this.used) + capacity;
    const size = Math.max(needed + (needed >> 3), INITIAL_ENTRIES);
    if (reclaim) return this.compact(size);
    const entries = new Int32Array(size);
    entries.set(this.entries.subarray(0, this.used));
    this.entries = entries;
  }

  /** Copies every list into a fresh arena, block after block in slot order, without free blocks. */
  private compact(size: number): void {
    const { entries, meta } = this;
    const packed = new Int32Array(size);
    let used = 0;
    for (let slot = 0; slot < this.slotCount; slot++) {
      const sizeClass = meta[slot * META_STRIDE + DEGREE]! >>> CLASS_SHIFT;
      if (sizeClass === NO_BLOCK) continue;
      const from = meta[slot * META_STRIDE + START]!;
      const degree = this.degree(slot);
      if (degree >= NATIVE_COPY_FROM) packed.set(entries.subarray(from, from + degree), used);
      else for (let k = 0; k < degree; k++) packed[used + k] = entries[from + k]!;
      meta[slot * META_STRIDE + START] = used;
      used += capacityOf(sizeClass);
    }
    this.entries = packed;
    this.used = used;
    this.freeChains.fill(END);
    this.freeEntries = 0;
  }
}
