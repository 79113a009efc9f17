import { expect, test } from 'bun:test';
import { isText, Text, textIssue } from './text';

const name = { minLength: 1, maxLength: 3, notBlank: true };

test('counts characters, not UTF-16 units', () => {
  expect(isText('😀😀😀', name)).toBe(true);
  expect(isText('😀😀😀😀', name)).toBe(false);
  expect(isText('', { minLength: 0, maxLength: 3 })).toBe(true);
  expect(isText('', name)).toBe(false);
});

test('refuses what PostgreSQL cannot store: NUL and unpaired surrogates', () => {
  expect(isText('a\u0000', name)).toBe(false);
  expect(isText('a\ud800', name)).toBe(false);
  expect(isText('\udc00a', { minLength: 0, maxLength: 3 })).toBe(false);
});

test('notBlank wants one character that is not white space', () => {
  expect(isText(' \t\n', name)).toBe(false);
  expect(isText(' a ', name)).toBe(true);
  expect(isText('  ', { minLength: 1, maxLength: 3 })).toBe(true);
  expect(isText(42, name)).toBe(false);
});

test('documents what it checks, and explains a failed check by its description', () => {
  const schema = Text({ ...name, description: '1 to 3 characters' });
  expect(JSON.parse(JSON.stringify(schema))).toEqual({
    type: 'string', minLength: 1, maxLength: 3, pattern: '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$', description: '1 to 3 characters',
  });
  expect(new RegExp(schema.pattern as string, 'u').test(' x ')).toBe(true);
  expect(textIssue({ schema })).toBe('expected 1 to 3 characters');
  expect(textIssue({ schema: { type: 'string', description: 'x' } })).toBeUndefined();
});
