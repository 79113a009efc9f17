/**
 * The `limit` smallest of keys[0, n), ascending. Sorting every candidate costs n log n; a bounded
 * max-heap of the best `limit` seen so far mostly costs one comparison per candidate, which is
 * what matters when a user has thousands of friends of friends and asks for a page of 100.
 * `heap` is scratch space the caller reuses; it must hold at least min(limit, n) numbers.
 */
export function topKeys(keys: Float64Array, n: number, limit: number, heap: Float64Array): number[] {
  if (n <= limit) return Array.from(keys.subarray(0, n).sort());
  let size = 0;
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    if (size < limit) {
      // Sift up: parents are never smaller than their children.
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (heap[parent]! >= key) break;
        heap[at] = heap[parent]!;
        at = parent;
      }
      heap[at] = key;
    } else if (key < heap[0]!) {
      siftDown(heap, size, key);
    }
  }
  return Array.from(heap.subarray(0, size).sort());
}

/** Replaces the largest (the root) with `key` and restores the heap. */
function siftDown(heap: Float64Array, size: number, key: number): void {
  let at = 0;
  for (;;) {
    let child = 2 * at + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1]! > heap[child]!) child++;
    if (heap[child]! <= key) break;
    heap[at] = heap[child]!;
    at = child;
  }
  heap[at] = key;
}
