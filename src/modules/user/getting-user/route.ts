import { Elysia } from 'elysia';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { ProblemSchema } from '../../../platform/http/problem';
import { UserSchema } from '../contracts/http';
import { IdParams, type UserRouteDeps } from '../route-deps';
import { etagOf } from '../user-rows';
import { getUserDocs } from './docs';
import { getUser } from './get-user';

/** GET a user: 200 with its version as `ETag`, once the read model reached the request's Consistency-Token. */
export const gettingUser = ({ deps, gate }: UserRouteDeps) =>
  new Elysia().get(
    '/v1/users/:id',
    async ({ params, request, set }) => {
      await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
      const { user, version } = await getUser(deps.db, deps.keys, params.id);
      set.headers.etag = etagOf(version);
      return user;
    },
    {
      params: IdParams,
      response: { 200: UserSchema, 400: ProblemSchema, 404: ProblemSchema, 410: ProblemSchema, 503: ProblemSchema },
      detail: getUserDocs,
    },
  );
