/**
 * The whole state of an in-memory graph as flat columns: what a snapshot stores, so that a restart
 * loads it instead of replaying the log. Users are in slot order, which loading keeps; timestamps
 * are epoch milliseconds (NaN for none), as the graph keeps them to the millisecond anyway. No
 * names: the graph holds none (see graph-events.ts).
 */
export interface GraphImage {
  users: {
    ids: Int32Array;
    /** Highest applied version of each user's stream; 0 when only friendship events named the user. */
    versions: Int32Array;
    createdAt: Float64Array;
    lastModified: Float64Array;
    /** 1 for an erased user, who can be nobody's friend again (see MemoryGraph's UserErased). */
    erased: Uint8Array;
  };
  /** Every friendship stream applied: its pair of user ids, highest version, and whether linked. */
  streams: {
    a: Int32Array;
    b: Int32Array;
    versions: Int32Array;
    linked: Uint8Array;
  };
}

/** Friendship stream columns of unknown final length: grown by doubling, trimmed at the end. */
export class StreamColumns {
  private n = 0;
  constructor(
    capacity: number,
    private a = new Int32Array(Math.max(16, capacity)),
    private b = new Int32Array(Math.max(16, capacity)),
    private versions = new Int32Array(Math.max(16, capacity)),
    private linked = new Uint8Array(Math.max(16, capacity)),
  ) {}

  push(a: number, b: number, version: number, linked: boolean): void {
    if (this.n === this.a.length) this.grow();
    this.a[this.n] = a;
    this.b[this.n] = b;
    this.versions[this.n] = version;
    this.linked[this.n++] = linked ? 1 : 0;
  }

  done(): GraphImage['streams'] {
    const n = this.n;
    return { a: this.a.slice(0, n), b: this.b.slice(0, n), versions: this.versions.slice(0, n), linked: this.linked.slice(0, n) };
  }

  private grow(): void {
    const widen = <T extends Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const wider = make(old.length * 2);
      wider.set(old);
      return wider;
    };
    this.a = widen(this.a, (n) => new Int32Array(n));
    this.b = widen(this.b, (n) => new Int32Array(n));
    this.versions = widen(this.versions, (n) => new Int32Array(n));
    this.linked = widen(this.linked, (n) => new Uint8Array(n));
  }
}
