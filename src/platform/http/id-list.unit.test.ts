import { expect, test } from 'bun:test';
import { IdList, parseIdList } from './id-list';

const schema = IdList({ maxItems: 3, description: 'ids', example: '1' }) as unknown as { pattern: string };
const pattern = new RegExp(schema.pattern);

test.each([
  ['1', [1]],
  ['42,7,42', [42, 7, 42]],
  ['2147483647', [2147483647]],
  ['1999999999,2099999999,2146999999', [1999999999, 2099999999, 2146999999]],
  ['2147483648', undefined],
  ['9999999999', undefined],
  ['0', undefined],
  ['01', undefined],
  ['+1', undefined],
  [' 1', undefined],
  ['1,,2', undefined],
  ['', undefined],
  ['1,2,3,4', undefined],
  ['1e3', undefined],
])('%s: the document\'s pattern and the server\'s check agree', (text, ids) => {
  expect(parseIdList(text, 3)).toEqual(ids as number[] | undefined);
  expect(pattern.test(text)).toBe(ids !== undefined);
});

test('every boundary of the id range reads the same through the pattern and the check', () => {
  for (const n of [1, 9, 10, 999999999, 1000000000, 2000000000, 2100000000, 2139999999, 2140000000, 2147000000, 2147399999, 2147400000, 2147479999, 2147480000, 2147482999, 2147483000, 2147483599, 2147483600, 2147483639, 2147483640, 2147483647, 2147483648, 2147483650, 2147483700, 2147484000, 2147490000, 2147500000, 2148000000, 2150000000, 2200000000, 3000000000]) {
    expect(pattern.test(String(n)), String(n)).toBe(parseIdList(String(n), 3) !== undefined);
  }
});
