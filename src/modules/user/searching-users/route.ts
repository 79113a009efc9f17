import { Elysia, t } from 'elysia';
import { Limit } from '../../../platform/http/paging';
import { ProblemSchema } from '../../../platform/http/problem';
import { UserSchema } from '../contracts/http';
import { documented } from '../../../platform/http/openapi-docs';
import { adaExample } from '../contracts/examples';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import type { UserRouteDeps } from '../route-deps';

const searchUsersDocs = documented({
  tags: ['user'],
  summary: 'Find users by the start of a name',
  description: 'Users whose first name, last name or "first last" starts with `name`, case-insensitive, lowest id first; an all-digit `name` also matches that id. At most `limit` (default 100). Answered from an index in memory, so it keeps working when names are encrypted at rest. With a `Consistency-Token` the index first catches up with every user write the token stands for, made through any instance.',
  examplePath: '/v1/users?name=ada',
  responses: {
    200: { description: 'The matching users, by id', example: [adaExample] },
    400: { description: 'No name, an invalid limit, or a malformed Consistency-Token', example: { detail: "query name: Property 'name' is missing" } },
  },
});

const SearchQuery = t.Object({
  name: t.String({ minLength: 1, maxLength: 100, description: 'the start of a first or last name (case-insensitive), or a user id', example: 'Ka' }),
  limit: t.Optional(Limit),
});

/**
 * `GET /v1/users?name=&limit=`: answered from the in-memory name index, never a table scan. The
 * index has a gate of its own: it trails the users table (other instances' writes arrive by a
 * periodic catch-up), so a token is checked against the versions the index holds.
 */
export function searchingUsers({ names, searchGate }: UserRouteDeps) {
  return new Elysia({ name: 'search-users' }).get(
    '/v1/users',
    async ({ query: { name, limit }, request, set }) => {
      await searchGate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
      return names.search(name, limit ?? 100);
    },
    {
      query: SearchQuery,
      response: { 200: t.Array(UserSchema), 400: ProblemSchema, 503: ProblemSchema },
      detail: searchUsersDocs,
    },
  );
}
