// Seeded randomness. Math.random cannot be seeded, and `--seed` must reproduce the same names and
// pairs, so the generator draws everything from a small deterministic PRNG instead.

import { mulberry32, type Rng } from '../../test/kits/random';

export { mulberry32, type Rng };

/**
 * Turns any seed text into 32 bits (FNV-1a), so `--seed 42` and `--seed demo` both work.
 * A plain integer seed is used as is, so "42" means what a reader expects.
 */
export function seedFromText(text: string): number {
  if (/^\d+$/.test(text) && Number(text) < 2 ** 32) return Number(text);
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * An independent stream for another purpose (e.g. pairs vs names), so changing how many numbers
 * one phase draws does not shift the other phase's data.
 */
export function deriveRng(seed: number, stream: number): Rng {
  return mulberry32((seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0);
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** A uniformly chosen element; the array must not be empty. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[randomInt(rng, items.length)]!;
}

/** Fisher-Yates shuffle in place; returns the same array for chaining. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
