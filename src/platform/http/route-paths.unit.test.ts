import { describe, expect, test } from 'bun:test';
import { fillRoute, routePattern } from './route-paths';

describe('route paths', () => {
  test('a template filled in gives the concrete path', () => {
    expect(fillRoute('/v1/users/:userId/commands/addFriend', { userId: 42 })).toBe('/v1/users/42/commands/addFriend');
    expect(() => fillRoute('/v1/friends/:id', {})).toThrow(':id');
  });

  test('the pattern matches one segment per parameter and nothing else', () => {
    const pattern = routePattern('/v1/users/:userId/commands/addFriend');
    expect(pattern.exec('/v1/users/42/commands/addFriend')?.[1]).toBe('42');
    for (const other of ['/v1/users/4/2/commands/addFriend', '/v1/users//commands/addFriend', '/v1/users/42/commands/addFriend/', '/v1/users/42/commands/addFriendX', 'x/v1/users/42/commands/addFriend']) {
      expect(pattern.test(other)).toBe(false);
    }
    expect(routePattern('/v1/a.b/:id').test('/v1/aXb/1')).toBe(false);
  });
});
