import { documented } from '../../../platform/http/openapi-docs';
import { friendshipExample } from '../contracts/examples';

export const addFriendDocs = documented({
  tags: ['friend'],
  summary: 'Befriend another user (symmetric)',
  description:
    'Appends a `FriendAdded` event. Friendship is symmetric: afterwards each user is in the other\'s friend list. ' +
    'Both users must exist (users this service has not heard of yet are checked with the user service), ' +
    'no one befriends themself, and a friendship is added once. `Location` is the new friendship\'s path.',
  examplePath: '/v1/users/42/commands/addFriend',
  responses: {
    201: { description: 'The new friendship, as seen from `userId`', example: friendshipExample, headers: ['location'], headerExamples: { location: '/v1/friends/1001' } },
    400: { description: 'Invalid or missing id, or `friendId` equals `userId`', example: { detail: 'user 42 cannot be their own friend' } },
    404: { description: 'One of the users does not exist', example: { detail: 'user 7 does not exist' } },
    409: { description: 'The users are already friends', example: { detail: 'users 42 and 7 are already friends' } },
    410: { description: 'One of the users was erased', example: { detail: 'user 7 was erased' } },
    503: { description: 'The database or the user service is unavailable; nothing was added', example: { detail: 'the user service is unavailable; cannot check that the users exist' } },
  },
});
