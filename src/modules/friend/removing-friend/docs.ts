import { documented } from '../../../platform/http/openapi-docs';
import { unavailableExample } from '../contracts/examples';

export const removeFriendDocs = documented({
  tags: ['friend'],
  summary: 'End a friendship (both directions)',
  description: 'Appends a `FriendRemoved` event; afterwards neither user is in the other\'s friend list. Either user may end it.',
  examplePath: '/v1/users/42/commands/removeFriend',
  responses: {
    204: { description: 'Removed' },
    400: { description: 'Invalid or missing id', example: { detail: 'parameter friendId: expected a plain decimal integer (got "x")' } },
    404: { description: 'The users are not friends', example: { detail: 'users 42 and 7 are not friends' } },
    503: { description: 'The database is unavailable; nothing was removed', example: unavailableExample },
  },
});
