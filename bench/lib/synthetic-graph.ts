/**
 * A synthetic social graph with power-law degrees (Chung-Lu model): user i gets a weight
 * proportional to (i + 1)^(-1 / (gamma - 1)), and each friendship joins two users drawn with
 * probability proportional to their weights, so expected degrees follow the weights. Real social
 * graphs have a few hubs and many small degrees; a uniform random graph would hide the hub cost.
 * Seeded, so two runs (and the memory and Neo4j variants) measure the same graph.
 */
import { mulberry32 } from '../../scripts/lib/random';

export interface SyntheticGraph {
  users: number;
  /** Friendships as [a0, b0, a1, b1, ...] with user ids 1..users, each pair once, a < b. */
  pairs: Int32Array;
  /** Degree per user id (index 0 unused). */
  degrees: Int32Array;
}

export interface GraphShape {
  users: number;
  avgDegree: number;
  seed?: number;
  /** Degree exponent; 2 < gamma < 3 is typical of social networks. */
  gamma?: number;
}

/**
 * Expected degree per user, summing to users * avgDegree, capped at sqrt(users * avgDegree): above
 * that "structural cutoff" Chung-Lu would need more than one edge between two hubs.
 */
export function expectedDegrees({ users, avgDegree, gamma = 2.5 }: GraphShape): Float64Array {
  const alpha = 1 / (gamma - 1);
  const cap = Math.min(users - 1, Math.sqrt(users * avgDegree));
  const w = new Float64Array(users);
  for (let i = 0; i < users; i++) w[i] = (i + 1) ** -alpha;
  // Scale to the wanted mean; capping removes mass, so rescale the uncapped part a few times.
  for (let round = 0; round < 20; round++) {
    let capped = 0;
    let free = 0;
    for (let i = 0; i < users; i++) (w[i]! >= cap ? (capped += cap) : (free += w[i]!));
    const factor = (users * avgDegree - capped) / free;
    if (Math.abs(factor - 1) < 1e-9) break;
    for (let i = 0; i < users; i++) w[i] = Math.min(cap, w[i]! >= cap ? cap : w[i]! * factor);
  }
  return w;
}

/** Draws users * avgDegree / 2 distinct friendships; no self-friendship, no duplicate pair. */
export function syntheticGraph(shape: GraphShape): SyntheticGraph {
  const { users, avgDegree } = shape;
  if (users < 2) throw new RangeError(`at least 2 users, got ${users}`);
  const wanted = Math.min(Math.round((users * avgDegree) / 2), (users * (users - 1)) / 2);
  const weights = expectedDegrees(shape);
  const cumulative = new Float64Array(users);
  let sum = 0;
  for (let i = 0; i < users; i++) cumulative[i] = sum += weights[i]!;
  const random = mulberry32(shape.seed ?? 42);
  const draw = () => {
    const x = random() * sum;
    let lo = 0;
    let hi = users - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const seen = new Set<number>();
  const pairs = new Int32Array(wanted * 2);
  const degrees = new Int32Array(users + 1);
  let n = 0;
  // Duplicates among hubs are common, so this draws more than `wanted` times; the bound only
  // guards against a shape that cannot be filled (e.g. a tiny dense graph).
  for (let attempts = 0; n < wanted && attempts < wanted * 50; attempts++) {
    const x = draw();
    const y = draw();
    if (x === y) continue;
    const [a, b] = x < y ? [x, y] : [y, x];
    const key = a * (users + 1) + b;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs[2 * n] = a;
    pairs[2 * n + 1] = b;
    degrees[a]!++;
    degrees[b]!++;
    n++;
  }
  return { users, pairs: n * 2 === pairs.length ? pairs : pairs.slice(0, n * 2), degrees };
}

/** The `count` user ids with the highest degree, highest first. */
export function hubs(degrees: Int32Array, count: number): number[] {
  const ids = Array.from({ length: degrees.length - 1 }, (_, i) => i + 1);
  return ids.sort((x, y) => degrees[y]! - degrees[x]! || x - y).slice(0, count);
}
