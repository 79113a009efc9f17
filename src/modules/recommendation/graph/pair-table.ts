const EMPTY = -1;
const MIN_CELLS = 1024;

/**
 * A number per unordered pair of slots, in an open-addressing hash table (linear probing, at most
 * 3/4 full). A JS Map would need one key per pair: a string, or a number that only fits two slots
 * below 2^26; and it costs ~70 bytes per entry, against 21 to 43 here (16 per cell, 3/8 to 3/4 of
 * the cells used). A cell is 16 bytes of one buffer, seen as four int32 (the smaller slot, the
 * larger, unused) and as two doubles (unused, the value): one cache line per probe. Slots are
 * non-negative, so -1 marks a free cell.
 */
export class PairTable {
  private slots = new Int32Array(MIN_CELLS * 4).fill(EMPTY);
  private values = new Float64Array(this.slots.buffer);
  private count = 0;
  private prefetched = 0;

  get size(): number {
    return this.count;
  }

  /**
   * Reads the pair's home cell so that its memory is on the way while the caller does other work
   * (a miss can cost hundreds of ns); the value is kept so that the read is not optimized away.
   */
  prefetch(a: number, b: number): void {
    if (this.count > 0) this.prefetched = this.slots[4 * cellOf(Math.min(a, b), Math.max(a, b), this.cells - 1)]!;
  }

  /** The value of the pair, or 0 when it has none. */
  get(a: number, b: number): number {
    if (this.count === 0) return 0; // the common case: no removed friendships at all
    const cell = this.find(Math.min(a, b), Math.max(a, b));
    return this.slots[4 * cell] === EMPTY ? 0 : this.values[2 * cell + 1]!;
  }

  set(a: number, b: number, value: number): void {
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    let cell = this.find(low, high);
    if (this.slots[4 * cell] === EMPTY) {
      if (4 * (this.count + 1) > 3 * this.cells) {
        this.rehash(this.cells * 2);
        cell = this.find(low, high);
      }
      this.slots[4 * cell] = low;
      this.slots[4 * cell + 1] = high;
      this.count++;
    }
    this.values[2 * cell + 1] = value;
  }

  delete(a: number, b: number): void {
    if (this.count === 0) return;
    const { slots, values } = this;
    const mask = this.cells - 1;
    let hole = this.find(Math.min(a, b), Math.max(a, b));
    if (slots[4 * hole] === EMPTY) return;
    this.count--;
    // Backward-shift deletion: pull later cells of the probe run into the hole whenever the hole
    // lies on their way from their home cell, so lookups never need tombstone markers.
    for (let cell = (hole + 1) & mask; slots[4 * cell] !== EMPTY; cell = (cell + 1) & mask) {
      const home = cellOf(slots[4 * cell]!, slots[4 * cell + 1]!, mask);
      if (((hole - home) & mask) <= ((cell - home) & mask)) {
        slots[4 * hole] = slots[4 * cell]!;
        slots[4 * hole + 1] = slots[4 * cell + 1]!;
        values[2 * hole + 1] = values[2 * cell + 1]!;
        hole = cell;
      }
    }
    slots[4 * hole] = EMPTY;
  }

  /** Calls `visit` for every pair, smaller slot first, in no particular order. */
  forEach(visit: (low: number, high: number, value: number) => void): void {
    const { slots, values } = this;
    for (let cell = 0; cell < this.cells; cell++) if (slots[4 * cell] !== EMPTY) visit(slots[4 * cell]!, slots[4 * cell + 1]!, values[2 * cell + 1]!);
  }

  private get cells(): number {
    return this.slots.length >> 2;
  }

  /** The cell holding the pair, or the free cell where it would go. */
  private find(low: number, high: number): number {
    const { slots } = this;
    const mask = this.cells - 1;
    let cell = cellOf(low, high, mask);
    while (slots[4 * cell] !== EMPTY && (slots[4 * cell] !== low || slots[4 * cell + 1] !== high)) cell = (cell + 1) & mask;
    return cell;
  }

  /**
   * Moves every pair into `cells` cells. One pass with the probing written out, no call per pair:
   * it runs at each doubling only, so mostly before the JIT has compiled it, where calls are dear.
   */
  private rehash(cells: number): void {
    const { slots, values } = this;
    const to = new Int32Array(cells * 4).fill(EMPTY);
    const toValues = new Float64Array(to.buffer);
    const mask = cells - 1;
    for (let cell = 0; cell < slots.length >> 2; cell++) {
      const low = slots[4 * cell]!;
      if (low === EMPTY) continue;
      let at = cellOf(low, slots[4 * cell + 1]!, mask);
      while (to[4 * at] !== EMPTY) at = (at + 1) & mask;
      to[4 * at] = low;
      to[4 * at + 1] = slots[4 * cell + 1]!;
      toValues[2 * at + 1] = values[2 * cell + 1]!;
    }
    this.slots = to;
    this.values = toValues;
  }
}

/** Home cell of a pair: both slots mixed (murmur3's finalizer), so neighbouring slots spread out. */
function cellOf(low: number, high: number, mask: number): number {
  let h = Math.imul(low, 0x9e3779b1) ^ high;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}
