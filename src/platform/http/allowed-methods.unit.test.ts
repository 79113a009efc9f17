import { expect, test } from 'bun:test';
import { allowedMethods } from './allowed-methods';

const routes = [
  { method: 'POST', path: '/v1/users' },
  { method: 'GET', path: '/v1/users/:id' },
  { method: 'PUT', path: '/v1/users/:id' },
  { method: 'GET', path: '/assets/*' },
];

test('methods of every route matching the path, HEAD with GET, sorted', () => {
  expect(allowedMethods(routes, '/v1/users')).toEqual(['POST']);
  expect(allowedMethods(routes, '/v1/users/')).toEqual(['POST']);
  expect(allowedMethods(routes, '/v1/users/7')).toEqual(['GET', 'HEAD', 'PUT']);
  expect(allowedMethods(routes, '/assets/a/b.js')).toEqual(['GET', 'HEAD']);
});

test('no methods for a path no route matches', () => {
  expect(allowedMethods(routes, '/v1/users/7/friends')).toEqual([]);
  expect(allowedMethods(routes, '/v1')).toEqual([]);
  expect(allowedMethods(routes, '/v1/users//')).toEqual([]);
});
