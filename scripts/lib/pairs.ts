// Picks distinct friend pairs among n users (by index 0..n-1, mapped to ids by the caller).
//
// Guarantees: never a self-pair, never the same unordered pair twice (the server would answer 409
// for either direction, which would only waste requests), and exactly min(wanted, n*(n-1)/2) pairs.
//
// Two regimes, because one strategy cannot be both interesting and cheap everywhere:
// - sparse (wanted <= half of all pairs): one endpoint is drawn with a skew toward a few "popular"
//   users, so the graph has hubs and friend recommendations have real mutual-friend weights. Draws
//   that hit a used pair are retried; after a few skewed misses we fall back to uniform draws,
//   which succeed with probability >= 1/2 each, so picking always terminates quickly.
// - dense (more than half of all pairs wanted): rejection would crawl near the end, so we sample
//   pair numbers without replacement by a Fisher-Yates shuffle kept in a Map (memory grows with
//   the pairs drawn, not with n*n). Skew is pointless when most pairs get used anyway.

import { randomInt, shuffle, type Rng } from './random';

/** Exponent for the popularity skew: rank = floor(n * u^SKEW); 2 gives the top user ~1/sqrt(n) of picks. */
const SKEW = 2;
/** Skewed attempts per pair before falling back to uniform draws (a hub may be saturated). */
const SKEWED_ATTEMPTS = 16;

/** Number of unordered pairs of distinct users among n. */
export const pairCapacity = (n: number): number => (n < 2 ? 0 : (n * (n - 1)) / 2);

export class PairPicker {
  /** How many pairs next() will return in total before returning undefined. */
  readonly total: number;
  private produced = 0;
  private readonly dense: boolean;
  private readonly used = new Set<number>(); // sparse regime: key i*n+j with i<j
  private readonly swaps = new Map<number, number>(); // dense regime: virtual shuffled array
  private readonly popularity: number[]; // rank -> user index, so hubs are random users, not the first ones

  constructor(
    private readonly n: number,
    wanted: number,
    private readonly rng: Rng,
  ) {
    const capacity = pairCapacity(n);
    this.total = Math.min(Math.max(0, Math.floor(wanted)), capacity);
    this.dense = this.total * 2 > capacity;
    this.popularity = this.dense ? [] : shuffle(rng, Array.from({ length: n }, (_, i) => i));
  }

  /**
   * The next pair as [adder, added] indices, or undefined when `total` pairs have been produced.
   * Direction is random so both "A adds B" and "B adds A" paths of the API get exercised.
   */
  next(): [number, number] | undefined {
    if (this.produced >= this.total) return undefined;
    const [i, j] = this.dense ? this.nextDense() : this.nextSparse();
    this.produced++;
    return this.rng() < 0.5 ? [i, j] : [j, i];
  }

  /** Convenience for pools: a lazy iterator, so pairs are drawn only as workers ask for them. */
  *[Symbol.iterator](): Iterator<[number, number]> {
    for (let pair = this.next(); pair; pair = this.next()) yield pair;
  }

  private nextSparse(): [number, number] {
    for (let attempt = 0; ; attempt++) {
      const a = attempt < SKEWED_ATTEMPTS ? this.popularity[Math.floor(this.n * this.rng() ** SKEW)]! : randomInt(this.rng, this.n);
      const b = randomInt(this.rng, this.n);
      if (a === b) continue;
      const [i, j] = a < b ? [a, b] : [b, a];
      const key = i * this.n + j; // exact: n <= 1e6 keeps this far below 2^53
      if (this.used.has(key)) continue;
      this.used.add(key);
      return [i, j];
    }
  }

  private nextDense(): [number, number] {
    // Step k of an in-place Fisher-Yates over [0, capacity), with untouched slots implied (slot r holds r).
    const capacity = pairCapacity(this.n);
    const k = this.produced;
    const r = k + randomInt(this.rng, capacity - k);
    const chosen = this.swaps.get(r) ?? r;
    this.swaps.set(r, this.swaps.get(k) ?? k);
    this.swaps.delete(k); // slot k is never read again; keeps the map small
    return decodePair(chosen, this.n);
  }
}

/**
 * Maps a pair number p in [0, n*(n-1)/2) to (i, j) with i < j, row by row:
 * row i holds pairs (i, i+1) .. (i, n-1) and starts at S(i) = i*(2n-i-1)/2.
 */
export function decodePair(p: number, n: number): [number, number] {
  const start = (i: number) => (i * (2 * n - i - 1)) / 2;
  // Closed-form guess from the quadratic S(i) = p, then nudge to absorb floating-point error.
  let i = Math.floor((2 * n - 1 - Math.sqrt((2 * n - 1) ** 2 - 8 * p)) / 2);
  if (i < 0) i = 0;
  while (i > 0 && start(i) > p) i--;
  while (start(i + 1) <= p) i++;
  return [i, i + 1 + (p - start(i))];
}
