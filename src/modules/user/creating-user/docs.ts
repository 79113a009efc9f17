import { documented } from '../../../platform/http/openapi-docs';
import { adaExample } from '../contracts/examples';

export const createUserDocs = documented({
  tags: ['user'],
  summary: 'Create a user',
  description:
    'Appends a `UserCreated` event and answers the new user, whose id is allocated in increasing order. ' +
    'Names are 1 to 100 characters and not blank; other fields in the body are ignored. ' +
    '`Location` is the new user\'s path; `ETag` its version, for a later `If-Match`.',
  request: { firstName: 'Ada', lastName: 'Lovelace' },
  examplePath: '/v1/users',
  responses: {
    201: { description: 'Created', example: adaExample, headers: ['location', 'etag'] },
    400: { description: 'The body is not valid JSON, or a name is missing, blank or too long', example: { detail: 'body firstName: expected 1 to 100 characters, not blank' } },
    503: { description: 'The database is unavailable; nothing was created', example: { detail: 'the database is unavailable; retry later' } },
  },
});
