import { documented } from '../../../platform/http/openapi-docs';
import { friendshipExample, unavailableExample } from '../contracts/examples';

export const listFriendsDocs = documented({
  tags: ['friend'],
  summary: "A user's friends, oldest first",
  description: 'Each friendship as seen from this user: `userId` is this user, `friendId` the other. An unknown user has no friends (an empty list). At most `limit` items; for the next page pass the last item\'s `id` as `after`.',
  examplePath: '/v1/users/42/friends',
  responses: {
    200: {
      description: 'The friendships, oldest first',
      example: [friendshipExample, { ...friendshipExample, id: 1002, friendId: 9, createdAt: '2026-03-02T08:15:00.000Z', updatedAt: '2026-03-02T08:15:00.000Z' }],
    },
    400: { description: 'Invalid id or limit', example: { detail: 'parameter limit: Expected integer to be less or equal to 1000 (got 5000)' } },
    503: { description: 'The database is unavailable', example: unavailableExample },
  },
});
