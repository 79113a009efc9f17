import { Elysia, t } from 'elysia';
import { Limit } from '../../../platform/http/paging';
import { ProblemSchema } from '../../../platform/http/problem';
import { UserSchema } from '../contracts/http';
import { documented } from '../../../platform/http/openapi-docs';
import { adaExample } from '../contracts/examples';
import type { NameIndex } from './name-index';

const searchUsersDocs = documented({
  tags: ['user'],
  summary: 'Find users by the start of a name',
  description: 'Users whose first name, last name or "first last" starts with `name`, case-insensitive, lowest id first; an all-digit `name` also matches that id. At most `limit` (default 100). Answered from an index in memory, so it keeps working when names are encrypted at rest.',
  examplePath: '/v1/users?name=ada',
  responses: {
    200: { description: 'The matching users, by id', example: [adaExample] },
    400: { description: 'No name, or an invalid limit', example: { detail: "query name: Property 'name' is missing" } },
  },
});

const SearchQuery = t.Object({
  name: t.String({ minLength: 1, maxLength: 100, description: 'the start of a first or last name (case-insensitive), or a user id', example: 'Ka' }),
  limit: t.Optional(Limit),
});

/** `GET /v1/users?name=&limit=`: answered from the in-memory name index, never a table scan. */
export function searchUsersRoute(index: NameIndex) {
  return new Elysia({ name: 'search-users' }).get('/v1/users', ({ query: { name, limit } }) => index.search(name, limit ?? 100), {
    query: SearchQuery,
    response: { 200: t.Array(UserSchema), 400: ProblemSchema },
    detail: searchUsersDocs,
  });
}
