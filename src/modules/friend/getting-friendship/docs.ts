import { documented } from '../../../platform/http/openapi-docs';
import { friendshipExample, unavailableExample } from '../contracts/examples';

export const getFriendshipDocs = documented({
  tags: ['friend'],
  summary: 'A friendship by id',
  description: 'The friendship with this id, as seen from the user who added it.',
  examplePath: '/v1/friends/1001',
  responses: {
    200: { description: 'The friendship', example: friendshipExample },
    400: { description: 'The id is not a positive integer', example: { detail: 'parameter id: expected a plain decimal integer (got "abc")', instance: '/v1/friends/abc' } },
    404: { description: 'No friendship has this id', example: { detail: 'friendship 1001 does not exist' } },
    503: { description: 'The database is unavailable', example: unavailableExample },
  },
});
