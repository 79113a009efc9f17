const UNKNOWN = -1;
const EMPTY = 0;
const MIN_CELLS = 1024;

/** User ids are integers from 1 to 2^31 - 1 (see classify in graph-events.ts). */
const isUserId = (id: number) => (id | 0) === id && id > 0;

/**
 * User id to slot. Ids come from a sequence, so most are small and dense: those index an array of
 * slots directly (4 bytes per id, one memory access). The array only grows to cover ids below
 * about twice the number of users (then doubles), so it stays cheap however sparse the ids; any
 * other id goes to an open-addressing hash table of [id, slot] pairs (linear probing, at most 3/4
 * full, 11 to 21 bytes per user). A Map costs ~70 bytes per user and several memory accesses per
 * lookup; every friendship event looks up two users, and a random memory access can cost hundreds
 * of ns (a cache and a TLB miss, more so under virtualization).
 */
export class SlotIndex {
  /** Slot + 1 by id (0: unknown), for ids below its length. */
  private direct = new Int32Array(MIN_CELLS);
  /** [id, slot] pairs; id 0 marks a free cell. */
  private cells = new Int32Array(MIN_CELLS * 2);
  private hashed = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The slot of the user, or -1 when unknown (or not a user id at all). */
  get(id: number): number {
    if (id < this.direct.length) return id > 0 && (id | 0) === id ? this.direct[id]! - 1 : UNKNOWN;
    if (this.hashed === 0 || !isUserId(id)) return UNKNOWN;
    const cell = this.find(id);
    return this.cells[2 * cell] === EMPTY ? UNKNOWN : this.cells[2 * cell + 1]!;
  }

  /** Records the slot of a user that has none yet. */
  add(id: number, slot: number): void {
    if (!isUserId(id)) throw new RangeError(`user ids are integers from 1 to 2^31 - 1, got ${id}`);
    this.count++;
    if (id >= this.direct.length && id < 2 * this.count + MIN_CELLS) this.widen(id);
    if (id < this.direct.length) {
      this.direct[id] = slot + 1;
      return;
    }
    const capacity = this.cells.length >> 1;
    if (4 * (this.hashed + 1) > 3 * capacity) this.rehash(2 * capacity);
    this.insert(id, slot);
  }

  /** Grows the direct array to cover `id`, moving the hashed ids it now covers into it. */
  private widen(id: number): void {
    const direct = new Int32Array(Math.max(id + 1, 2 * this.direct.length));
    direct.set(this.direct);
    this.direct = direct;
    if (this.hashed === 0) return;
    const cells = this.cells;
    this.cells = new Int32Array(cells.length);
    this.hashed = 0;
    for (let cell = 0; cell < cells.length >> 1; cell++) {
      const hashedId = cells[2 * cell]!;
      if (hashedId === EMPTY) continue;
      if (hashedId < direct.length) direct[hashedId] = cells[2 * cell + 1]! + 1;
      else this.insert(hashedId, cells[2 * cell + 1]!);
    }
  }

  private insert(id: number, slot: number): void {
    const cell = this.find(id);
    this.cells[2 * cell] = id;
    this.cells[2 * cell + 1] = slot;
    this.hashed++;
  }

  /** The cell holding `id`, or the free cell where it would go. */
  private find(id: number): number {
    const { cells } = this;
    const mask = (cells.length >> 1) - 1;
    let cell = cellOf(id, mask);
    while (cells[2 * cell] !== EMPTY && cells[2 * cell] !== id) cell = (cell + 1) & mask;
    return cell;
  }

  private rehash(capacity: number): void {
    const old = this.cells;
    this.cells = new Int32Array(capacity * 2);
    this.hashed = 0;
    for (let cell = 0; cell < old.length >> 1; cell++) if (old[2 * cell] !== EMPTY) this.insert(old[2 * cell]!, old[2 * cell + 1]!);
  }
}

/** Home cell of an id (murmur3's finalizer), so consecutive ids spread over the table. */
function cellOf(id: number, mask: number): number {
  let h = Math.imul(id ^ (id >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}
