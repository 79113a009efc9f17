import { expect, test } from 'bun:test';
import { NameIndex } from './name-index';

const user = (id: number, firstName: string, lastName: string) => ({ id, firstName, lastName, createdAt: '2026-01-01T00:00:00.000Z', lastModified: '2026-01-01T00:00:00.000Z' });

function index() {
  const names = new NameIndex();
  for (const u of [user(3, 'Ada', 'Lovelace'), user(1, 'Alan', 'Turing'), user(2, 'Grace', 'Hopper'), user(12, 'Édith', 'Adams')]) names.put(u, 1);
  return names;
}

test('matches the start of the first or the last name, case-insensitive, lowest id first', () => {
  expect(index().search('a', 10).map((u) => u.id)).toEqual([1, 3, 12]);
  expect(index().search('HOP', 10).map((u) => u.id)).toEqual([2]);
  expect(index().search('ada lo', 10).map((u) => u.id)).toEqual([3]);
  expect(index().search('éd', 10).map((u) => u.id)).toEqual([12]);
});

test('does not match inside a name', () => {
  expect(index().search('ove', 10)).toEqual([]);
});

test('an all-digit query also finds that id', () => {
  expect(index().search('2', 10).map((u) => u.id)).toEqual([2]);
});

test('limit bounds the answer; a rename replaces the old names', () => {
  const names = index();
  expect(names.search('a', 2).map((u) => u.id)).toEqual([1, 3]);
  names.put(user(3, 'Augusta', 'King'), 2);
  expect(names.search('lov', 10)).toEqual([]);
  expect(names.search('king', 10).map((u) => u.firstName)).toEqual(['Augusta']);
});

test('an older state put after a newer one does not replace it, and the version held is the newest', () => {
  const names = new NameIndex();
  names.put(user(1, 'Augusta', 'King'), 2);
  names.put(user(1, 'Ada', 'Lovelace'), 1);
  expect(names.search('ada', 10)).toEqual([]);
  expect(names.search('aug', 10).map((u) => u.id)).toEqual([1]);
  expect([names.versionOf(1), names.versionOf(2)]).toEqual([2, 0]);
});

test('an erased user is found by neither name nor id, keeps the erasure version, and an older state cannot bring them back', () => {
  const names = index();
  names.erase(3, 2);
  names.put(user(3, 'Ada', 'Lovelace'), 1);
  expect(names.search('lovelace', 10)).toEqual([]);
  expect(names.search('3', 10)).toEqual([]);
  expect(names.versionOf(3)).toBe(2);
  expect(names.size).toBe(3);
});
