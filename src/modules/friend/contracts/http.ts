import { t, type Static } from 'elysia';
import { fillRoute } from '../../../platform/http/route-paths';

/** HTTP shapes of the friend service, compatible with the original Spring API. */
export const FriendSchema = t.Object(
  {
    id: t.Integer({ description: 'friendship id' }),
    userId: t.Integer(),
    friendId: t.Integer(),
    createdAt: t.String({ format: 'date-time' }),
    updatedAt: t.String({ format: 'date-time' }),
  },
  { $id: '#/components/schemas/Friend' },
);

export type Friend = Static<typeof FriendSchema>;

/** The friend service's routes, from the service's root (the gateway serves them under `/friend`). */
export const friendRoutes = {
  addFriend: '/v1/users/:userId/commands/addFriend',
  removeFriend: '/v1/users/:userId/commands/removeFriend',
  friendsOf: '/v1/users/:userId/friends',
  friendship: '/v1/friends/:id',
} as const;

/** Concrete paths for callers: scripts, benchmarks, tests, and the `location` of a new friendship. */
export const friendPaths = {
  addFriend: (userId: number, friendId: number) => `${fillRoute(friendRoutes.addFriend, { userId })}?friendId=${friendId}`,
  removeFriend: (userId: number, friendId: number) => `${fillRoute(friendRoutes.removeFriend, { userId })}?friendId=${friendId}`,
  friendsOf: (userId: number, limit?: number) => `${fillRoute(friendRoutes.friendsOf, { userId })}${limit === undefined ? '' : `?limit=${limit}`}`,
  friendship: (id: number) => fillRoute(friendRoutes.friendship, { id }),
};
