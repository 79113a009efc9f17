import { Elysia } from 'elysia';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { documented } from '../../../platform/http/openapi-docs';
import { ProblemSchema } from '../../../platform/http/problem';
import { MAX_NAMED_USERS, UserNamesQuery, UserNamesSchema } from '../contracts/http';
import type { UserRouteDeps } from '../route-deps';
import { parseIds, userNames } from './user-names';

const userNamesDocs = documented({
  tags: ['user'],
  summary: 'Names of several users',
  description:
    `The names of up to ${MAX_NAMED_USERS} users in one call, each with the version of the user it is from; erased users are listed apart, ids never created are left out. ` +
    'Services that show names without storing them (recommendation) ask this and keep the answer in memory only. With a `Consistency-Token` the answer reflects at least those writes.',
  examplePath: '/v1/user-names?ids=42,7',
  responses: {
    200: { description: 'The names found, and the erased users', example: { users: [{ id: 42, firstName: 'Ada', lastName: 'Lovelace', version: 1 }], erased: [7] } },
    400: { description: 'An id that is not a user id, or too many ids', example: { detail: 'query ids: expected comma-separated user ids (1 to 2147483647, plain decimals), at most 1000' } },
    503: { description: 'The database is unavailable', example: { detail: 'the database is unavailable; retry later' } },
  },
});

/** `GET /v1/user-names?ids=`: read from the users table, like GET of one user. */
export const namingUsers = ({ deps, gate }: UserRouteDeps) =>
  new Elysia({ name: 'user-names' }).get(
    '/v1/user-names',
    async ({ query: { ids }, request, set }) => {
      await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
      return userNames(deps.db, deps.keys, parseIds(ids));
    },
    {
      query: UserNamesQuery,
      response: { 200: UserNamesSchema, 400: ProblemSchema, 503: ProblemSchema },
      detail: userNamesDocs,
    },
  );
