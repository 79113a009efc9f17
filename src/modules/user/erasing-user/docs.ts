import { documented } from '../../../platform/http/openapi-docs';
import { badIdExample } from '../contracts/examples';

export const eraseUserDocs = documented({
  tags: ['user'],
  summary: 'Erase a user (right to be forgotten)',
  description:
    'Appends a `UserErased` event. The user is then `410 Gone` here and in every other service: the friend service ends ' +
    'their friendships with its own events, the recommendation graph drops them, and a rebuild from any log does not bring ' +
    'them back. The events stay as the audit trail. A second erasure is a 410. With `AUTH_MODE=jwt` only the user themself may do it.',
  examplePath: '/v1/users/42',
  responses: {
    204: { description: 'Erased' },
    400: { description: 'The id is not a positive integer', example: badIdExample },
    404: { description: 'No user has this id', example: { detail: 'user 42 does not exist' } },
    410: { description: 'The user was already erased', example: { detail: 'user 42 was erased' } },
    503: { description: 'The database is unavailable; nothing was changed', example: { detail: 'the database is unavailable; retry later' } },
  },
});
