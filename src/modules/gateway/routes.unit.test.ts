import { describe, expect, test } from 'bun:test';
import { createRouteMatcher, defaultRoutes } from './routes';

const match = createRouteMatcher(defaultRoutes);
const upstream = (url: string) => {
  const found = match(url);
  return found && `${found.route.service} ${found.upstreamPath}`;
};

describe('createRouteMatcher', () => {
  test.each([
    ['http://localhost/user/v1/users/1?x=1', 'user /v1/users/1?x=1'],
    ['http://gw.example:9000/friend/v1/users/1/friends', 'friend /v1/users/1/friends'],
    ['https://gw/recommendation/v1/users/1/commands/recommendFriends', 'recommendation /v1/users/1/commands/recommendFriends'],
    ['http://localhost/user', 'user /'],
    ['http://localhost/user/', 'user /'],
    ['http://localhost/user?limit=1', 'user /?limit=1'],
    ['http://localhost/user//v1', 'user //v1'],
  ])('%s -> %s', (url, expected) => expect(upstream(url)).toBe(expected));

  test.each([
    'http://localhost/users/1',
    'http://localhost/userx',
    'http://localhost/',
    'http://localhost/swagger/json',
    'http://localhost/actuator/health',
    'http://localhost/User/v1/users/1',
    'http://localhost/v1/user/1',
    'http://user/v1', // the host is not the path
  ])('%s matches no route', (url) => expect(match(url)).toBeUndefined());

  // Metrics are scraped on each instance's own port, never through the public entry.
  test.each(['/user/metrics', '/friend/metrics/', '/recommendation/metrics?x=1', '/user//metrics', '/user/metrics#a'])(
    '%s is not forwarded',
    (path) => expect(match(`http://localhost${path}`)).toBeUndefined(),
  );

  // Operations (projection rebuild, audit, stream heads) are used on each instance's own port only.
  test.each(['/recommendation/admin/projection', '/recommendation/admin', '/user/admin/streams?limit=1', '//friend/admin/streams'.slice(1), '/recommendation//admin/projection/rebuild'])(
    '%s is not forwarded',
    (path) => expect(match(`http://localhost${path}`)).toBeUndefined(),
  );

  test('paths that merely start with "metrics" are still forwarded', () => {
    expect(upstream('http://localhost/user/adminx')).toBe('user /adminx');
    expect(upstream('http://localhost/user/metricsx')).toBe('user /metricsx');
    expect(upstream('http://localhost/user/v1/metrics')).toBe('user /v1/metrics');
  });

  test('rejects malformed and duplicate prefixes at construction', () => {
    expect(() => createRouteMatcher([{ prefix: 'user', service: 'user' }])).toThrow('must look like /name');
    expect(() => createRouteMatcher([{ prefix: '/user/', service: 'user' }])).toThrow('must look like /name');
    expect(() => createRouteMatcher([{ prefix: '/a', service: 'a' }, { prefix: '/a', service: 'b' }])).toThrow('declared twice');
  });

  test('routes may point several prefixes at one service', () => {
    const m = createRouteMatcher([{ prefix: '/u', service: 'user' }, { prefix: '/user', service: 'user' }]);
    expect(m('http://h/user/1')?.upstreamPath).toBe('/1');
    expect(m('http://h/u/1')?.upstreamPath).toBe('/1');
  });
});
