import { expect, test } from 'bun:test';
import { seededRandom } from '../../../../test/kits/recommendation/events';
import { topKeys } from './top-keys';

test('returns the smallest keys in ascending order, like a full sort would', () => {
  const random = seededRandom(3);
  for (let round = 0; round < 200; round++) {
    const n = Math.floor(random() * 300);
    // Few distinct values, so that duplicates are common.
    const values = Array.from({ length: n }, () => Math.floor(random() * 50) * 2 ** 32 + Math.floor(random() * 40));
    const limit = 1 + Math.floor(random() * 60);
    const expected = [...values].sort((a, b) => a - b).slice(0, limit);
    expect(topKeys(Float64Array.from(values), n, limit, new Float64Array(limit))).toEqual(expected);
  }
});
