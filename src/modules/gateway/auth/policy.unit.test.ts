import { describe, expect, test } from 'bun:test';
import { challenge, credentialsOf } from './bearer';
import { authorize, isPublic, pathOnly } from './policy';

const allowed = { allowed: true as const };
const denied = (detail: string) => ({ allowed: false as const, detail: expect.stringContaining(detail) });

describe('authorize', () => {
  test('reads are open to every verified user, on every service', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(authorize('user', method, '/v1/users/2', '1')).toEqual(allowed);
      expect(authorize('friend', method, '/v1/users/2/friends', '1')).toEqual(allowed);
      expect(authorize('recommendation', method, '/v1/users/2/commands/recommendFriends', '1')).toEqual(allowed);
    }
  });

  test('anyone verified may create a user (sign-up)', () => {
    expect(authorize('user', 'POST', '/v1/users', '1')).toEqual(allowed);
  });

  test('a user may update only themself', () => {
    expect(authorize('user', 'PUT', '/v1/users/1', '1')).toEqual(allowed);
    expect(authorize('user', 'PUT', '/v1/users/12', '12')).toEqual(allowed);
    // The upstream reads `007` as 7: the same user.
    expect(authorize('user', 'PUT', '/v1/users/007', '7')).toEqual(allowed);
    expect(authorize('user', 'PUT', '/v1/users/2', '1')).toEqual(denied('user 2 may only be updated by that user; the token is for user 1'));
    expect(authorize('user', 'PUT', '/v1/users/11', '1')).toEqual(denied('user 11'));
    expect(authorize('user', 'PUT', '/v1/users/1', '11')).toMatchObject({ allowed: false });
  });

  test('a user may erase only themself', () => {
    expect(authorize('user', 'DELETE', '/v1/users/7', '7')).toEqual(allowed);
    expect(authorize('user', 'DELETE', '/v1/users/2', '1')).toEqual(denied('user 2 may only be erased by that user; the token is for user 1'));
    expect(authorize('user', 'DELETE', '/v1/users/1/', '1')).toMatchObject({ allowed: false });
  });

  test('a user may add and remove only their own friendships', () => {
    for (const command of ['addFriend', 'removeFriend']) {
      expect(authorize('friend', 'POST', `/v1/users/3/commands/${command}`, '3')).toEqual(allowed);
      expect(authorize('friend', 'POST', `/v1/users/4/commands/${command}`, '3')).toEqual(denied('the friendships of user 4 may only be changed by that user'));
    }
  });

  test('spellings the rules do not know are refused rather than guessed', () => {
    for (const [service, method, path] of [
      ['user', 'PUT', '/v1/users/1/'], // Elysia would route this to user 1
      ['user', 'PUT', '//v1/users/1'],
      ['user', 'PUT', '/v1/users/%31'],
      ['user', 'PUT', '/v1/users/1.0'],
      ['user', 'PUT', '/V1/users/1'],
      ['friend', 'POST', '/v1/users/1/commands/addFriend/'],
      ['friend', 'POST', '/v1/users/1/commands/AddFriend'],
    ] as const) {
      expect(authorize(service, method, path, '1')).toMatchObject({ allowed: false });
    }
  });

  test('unknown mutations are denied by default: other methods, other paths, other services', () => {
    expect(authorize('user', 'DELETE', '/v1/users', '1')).toEqual(denied('no rule lets users send DELETE /v1/users to service user'));
    expect(authorize('user', 'PATCH', '/v1/users/1', '1')).toMatchObject({ allowed: false });
    expect(authorize('user', 'POST', '/v1/users/1', '1')).toMatchObject({ allowed: false });
    expect(authorize('friend', 'PUT', '/v1/users/1/commands/addFriend', '1')).toMatchObject({ allowed: false });
    expect(authorize('recommendation', 'POST', '/v1/users/1/commands/recommendFriends', '1')).toMatchObject({ allowed: false });
    expect(authorize('payments', 'POST', '/v1/users', '1')).toMatchObject({ allowed: false });
    expect(authorize('user', 'TRACE', '/v1/users/1', '1')).toMatchObject({ allowed: false });
  });

  test('client text in a detail is shortened and plain', () => {
    const result = authorize('user', 'PUT', `/v1/users/"<script>${'x'.repeat(100)}`, '1');
    expect(result).toMatchObject({ allowed: false });
    if (!result.allowed) expect(result.detail).not.toMatch(/[<>"]|x{30}/);
  });
});

test('only GET and HEAD of each service health are public', () => {
  expect(isPublic('GET', '/actuator/health')).toBe(true);
  expect(isPublic('HEAD', '/actuator/health')).toBe(true);
  expect(isPublic('POST', '/actuator/health')).toBe(false);
  expect(isPublic('GET', '/actuator/health/x')).toBe(false);
  expect(isPublic('GET', '/actuator/health/liveness')).toBe(true);
  expect(isPublic('HEAD', '/actuator/health/readiness')).toBe(true);
  expect(isPublic('POST', '/actuator/health/readiness')).toBe(false);
  expect(isPublic('GET', '/actuator/health/readiness/')).toBe(false);
  expect(isPublic('GET', '/actuator/healthz')).toBe(false);
  expect(isPublic('GET', '/v1/users/1')).toBe(false);
  expect(pathOnly('/v1/users/5?x=/actuator/health')).toBe('/v1/users/5');
  expect(pathOnly('/actuator/health')).toBe('/actuator/health');
});

describe('bearer credentials and challenges (RFC 6750)', () => {
  test('reads the token of a Bearer header, scheme case-insensitive', () => {
    expect(credentialsOf(null)).toEqual({ kind: 'none' });
    expect(credentialsOf('')).toEqual({ kind: 'none' });
    expect(credentialsOf('Bearer abc.def.ghi')).toEqual({ kind: 'bearer', token: 'abc.def.ghi' });
    expect(credentialsOf('bearer  abc ')).toEqual({ kind: 'bearer', token: 'abc' });
    expect(credentialsOf('Bearer')).toEqual({ kind: 'bearer', token: '' });
    expect(credentialsOf('Basic dXNlcjpwYXNz')).toEqual({ kind: 'other-scheme' });
    expect(credentialsOf('Bearerabc')).toEqual({ kind: 'other-scheme' });
  });

  test('no token: a bare challenge; a bad one: invalid_token with a quoted-string-safe description', () => {
    expect(challenge({ kind: 'none' }, 'missing')).toBe('Bearer realm="social-network"');
    expect(challenge({ kind: 'other-scheme' }, 'wrong scheme')).toBe('Bearer realm="social-network"');
    expect(challenge({ kind: 'bearer', token: 'x' }, 'unsupported token algorithm "none"\n')).toBe(
      'Bearer realm="social-network", error="invalid_token", error_description="unsupported token algorithm \'none\'\'"',
    );
  });
});
