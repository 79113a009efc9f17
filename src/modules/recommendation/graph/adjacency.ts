/**
 * Undirected friendships between dense slots, one growable Int32Array of friend slots per slot.
 * Packed arrays rather than Set<number>: at 100k users with 50 friends each, sets cost ~80 bytes
 * per entry (hundreds of MB and long GC pauses) and are several times slower to walk than a typed
 * array. The caller knows whether a pair is linked (from the pair's stream state), so `link` and
 * `unlink` need no membership test; removal scans one list, which is short for all but hubs.
 */
export class Adjacency {
  private lists: Int32Array[] = [];
  private degrees = new Int32Array(1024);
  private edges = 0;

  get slots(): number {
    return this.lists.length;
  }

  get friendships(): number {
    return this.edges;
  }

  /** Adds an unconnected slot and returns it. */
  addSlot(): number {
    const slot = this.lists.length;
    this.lists.push(new Int32Array(4));
    if (slot >= this.degrees.length) {
      const grown = new Int32Array(this.degrees.length * 2);
      grown.set(this.degrees);
      this.degrees = grown;
    }
    return slot;
  }

  /** The friends of `slot`: a view into live storage, valid until the next change. */
  friendsOf(slot: number): Int32Array {
    return this.lists[slot]!.subarray(0, this.degrees[slot]!);
  }

  /** Raw storage for hot loops that must not allocate a view per node. */
  list(slot: number): Int32Array {
    return this.lists[slot]!;
  }

  degree(slot: number): number {
    return this.degrees[slot]!;
  }

  /** Links two slots the caller knows are not linked. */
  link(a: number, b: number): void {
    this.append(a, b);
    this.append(b, a);
    this.edges++;
  }

  /** Unlinks two slots the caller knows are linked. */
  unlink(a: number, b: number): void {
    this.remove(a, b);
    this.remove(b, a);
    this.edges--;
  }

  private append(slot: number, friend: number): void {
    let list = this.lists[slot]!;
    const degree = this.degrees[slot]!;
    if (degree === list.length) {
      const grown = new Int32Array(list.length * 2);
      grown.set(list);
      this.lists[slot] = list = grown;
    }
    list[degree] = friend;
    this.degrees[slot] = degree + 1;
  }

  private remove(slot: number, friend: number): void {
    const list = this.lists[slot]!;
    const last = this.degrees[slot]! - 1;
    const at = list.subarray(0, last + 1).indexOf(friend);
    if (at < 0) throw new Error(`slot ${slot} is not linked to ${friend}`);
    list[at] = list[last]!; // order within a list carries no meaning: swap with the last
    this.degrees[slot] = last;
  }
}
