/**
 * Block sizes for growable lists: 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, ... (four steps per doubling),
 * so a list wastes about 10% of its block on average where doubling would waste 25%.
 */
export const MAX_SIZE_CLASS = 111; // capacity 7 << 27, just below 2^30 entries
/** The class of a slot that has no block yet. */
export const NO_BLOCK = 255;

export function capacityOf(sizeClass: number): number {
  return (4 + (sizeClass & 3)) << (sizeClass >> 2);
}
