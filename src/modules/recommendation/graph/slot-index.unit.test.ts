import { expect, test } from 'bun:test';
import { seededRandom } from '../../../../test/kits/recommendation/events';
import { SlotIndex } from './slot-index';

test('maps dense and sparse ids alike, also when the direct array later covers hashed ids', () => {
  const random = seededRandom(5);
  const index = new SlotIndex();
  const reference = new Map<number, number>();
  const add = (id: number) => {
    if (reference.has(id)) return;
    index.add(id, reference.size);
    reference.set(id, reference.size);
  };
  // Sparse ids first (hashed), then a dense run that widens the direct array over some of them.
  for (let k = 0; k < 2000; k++) add(1 + Math.floor(random() * 2 ** 31 - 2));
  for (let k = 0; k < 300; k++) add(1 + Math.floor(random() * 20_000));
  for (let id = 1; id <= 12_000; id++) add(id);
  expect(index.size).toBe(reference.size);
  for (const [id, slot] of reference) expect(index.get(id)).toBe(slot);
  for (const id of [12_001, 2 ** 31 - 1, 99_999_999]) if (!reference.has(id)) expect(index.get(id)).toBe(-1);
});

test('what is not a user id is unknown, and cannot be added', () => {
  const index = new SlotIndex();
  index.add(1, 0);
  for (const id of [0, -1, 1.5, 2 ** 31, Number.NaN, 2 ** 53]) {
    expect(index.get(id)).toBe(-1);
    expect(() => index.add(id, 1)).toThrow(RangeError);
  }
  expect(index.get(1)).toBe(0);
});
