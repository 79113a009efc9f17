import { documented } from '../../../platform/http/openapi-docs';
import { adaExample } from '../contracts/examples';

export const updateUserDocs = documented({
  tags: ['user'],
  summary: 'Update a user (If-Match for optimistic concurrency)',
  description:
    'Appends a `UserUpdated` event with the new names. The body may carry `id` (clients of the original send the whole user back), ' +
    'which must then match the path. With `If-Match` (an `ETag` from a read), the update applies only to that version: ' +
    'a user changed since is a 412, and nothing is written.',
  request: { id: 42, firstName: 'Ada', lastName: 'King' },
  examplePath: '/v1/users/42',
  responses: {
    200: { description: 'The updated user', example: { ...adaExample, lastName: 'King', lastModified: '2026-03-02T14:05:00.000Z' }, headers: ['etag'] },
    400: { description: 'Invalid id, body or If-Match; or the body id differs from the path id', example: { detail: 'body id 7 does not match path id 42' } },
    404: { description: 'No user has this id', example: { detail: 'user 42 does not exist' } },
    410: { description: 'The user was erased', example: { detail: 'user 42 was erased' } },
    409: { description: 'Another update of this user committed at the same time; retry', example: { detail: 'user-42 was changed by a concurrent command; retry with its current state' } },
    412: { description: '`If-Match` names a version that is no longer current', example: { detail: 'user-42 is at version 3, not 2; reload it and retry' } },
    503: { description: 'The database is unavailable; nothing was changed', example: { detail: 'the database is unavailable; retry later' } },
  },
});
