import { describe, expect, test } from 'bun:test';
import { BodyRejected, isJsonContentType, nestingWithin, parseJsonBody } from './json-body';

const bytes = (text: string) => new TextEncoder().encode(text);
const rejection = (run: () => unknown): BodyRejected => {
  try {
    run();
  } catch (error) {
    if (error instanceof BodyRejected) return error;
    throw error;
  }
  throw new Error('not rejected');
};

describe('nestingWithin', () => {
  test('counts arrays and objects, at the limit and one past it', () => {
    expect(nestingWithin(bytes('[[[]]]'), 3)).toBe(true);
    expect(nestingWithin(bytes('[[[[]]]]'), 3)).toBe(false);
    expect(nestingWithin(bytes('{"a":{"b":[1]}}'), 3)).toBe(true);
    expect(nestingWithin(bytes('{"a":{"b":[{}]}}'), 3)).toBe(false);
    // Siblings do not add up: depth, not count.
    expect(nestingWithin(bytes('[[],[],[],[],[]]'), 2)).toBe(true);
  });

  test('brackets inside strings do not count, escaped quotes do not end a string', () => {
    expect(nestingWithin(bytes('["[[[[[[", "{{{{"]'), 1)).toBe(true);
    expect(nestingWithin(bytes('["\\"[[[[", "\\\\"]'), 1)).toBe(true);
    // After `\\` the string ends at the next quote, so the brackets after it count.
    expect(nestingWithin(bytes('["\\\\", [[]]]'), 2)).toBe(false);
  });

  test('multi-byte characters are never taken for brackets or quotes', () => {
    expect(nestingWithin(bytes('["😀[Ü{", "｛［"]'), 1)).toBe(true);
  });

  test('a megabyte of brackets is refused early, and the scan is linear', () => {
    expect(nestingWithin(new Uint8Array(1024 * 1024).fill(0x5b), 32)).toBe(false);
    expect(nestingWithin(bytes('[' + '1,'.repeat(500_000) + '1]'), 32)).toBe(true);
  });
});

describe('isJsonContentType', () => {
  test.each([
    ['application/json', true],
    ['Application/JSON', true],
    ['application/json; charset=utf-8', true],
    ['application/json;charset="UTF-8"', true],
    ['application/json; charset=iso-8859-1', false],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    ['application/jsonx', false],
    ['text/json', false],
    [null, false],
  ])('%s -> %p', (header, expected) => expect(isJsonContentType(header)).toBe(expected));
});

describe('parseJsonBody', () => {
  test('an empty body is no body, whatever its content type', () => {
    expect(parseJsonBody(new Uint8Array(), null)).toBeNull();
    expect(parseJsonBody(new Uint8Array(), 'text/plain')).toBeNull();
  });

  test('parses JSON, a leading byte-order mark included', () => {
    expect(parseJsonBody(bytes('{"a":[1]}'), 'application/json')).toEqual({ a: [1] });
    expect(parseJsonBody(bytes('\uFEFF{"a":1}'), 'application/json')).toEqual({ a: 1 });
  });

  test('refuses, with the status and the reason', () => {
    expect(rejection(() => parseJsonBody(bytes('{}'), 'text/plain'))).toMatchObject({ status: 415, message: 'request body must be application/json (got "text/plain")' });
    expect(rejection(() => parseJsonBody(bytes('{}'), null))).toMatchObject({ status: 415, message: 'request body must be application/json (got no Content-Type)' });
    expect(rejection(() => parseJsonBody(bytes('['.repeat(33)), 'application/json'))).toMatchObject({ status: 400, message: 'JSON nesting deeper than 32 levels' });
    expect(rejection(() => parseJsonBody(new Uint8Array([0x22, 0xc3, 0x28, 0x22]), 'application/json'))).toMatchObject({ status: 400, message: 'body is not valid UTF-8' });
    expect(rejection(() => parseJsonBody(bytes('{"a":'), 'application/json'))).toMatchObject({ status: 400, message: 'request body is not valid JSON' });
  });
});
