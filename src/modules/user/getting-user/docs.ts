import { documented } from '../../../platform/http/openapi-docs';
import { adaExample, badIdExample } from '../contracts/examples';

export const getUserDocs = documented({
  tags: ['user'],
  summary: 'Get a user',
  description: 'The user as of its latest event. `ETag` is its version: send it as `If-Match` when updating, to update only what you read.',
  examplePath: '/v1/users/42',
  responses: {
    200: { description: 'The user', example: adaExample, headers: ['etag'] },
    400: { description: 'The id is not a positive integer', example: badIdExample },
    404: { description: 'No user has this id', example: { detail: 'user 42 does not exist' } },
    410: { description: 'The user was erased', example: { detail: 'user 42 was erased' } },
    503: { description: 'The database is unavailable', example: { detail: 'the database is unavailable; retry later' } },
  },
});
