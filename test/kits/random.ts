/** A function returning floats in [0, 1), like Math.random. */
export type Rng = () => number;

/**
 * mulberry32: a seeded pseudo-random generator with 32 bits of state, fast and statistically fine
 * for test data and generated load (never for secrets). Math.random cannot be seeded, and a failing
 * shuffle, burst or data set must be replayable from its seed.
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
