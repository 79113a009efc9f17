import { Elysia } from 'elysia';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { requestMetadata } from '../../../platform/http/app';
import { ProblemSchema } from '../../../platform/http/problem';
import { CreateUserBody, UserSchema } from '../contracts/http';
import { indexResult, JSON_BODY, type UserRouteDeps } from '../route-deps';
import { etagOf } from '../user-rows';
import { createUser } from './create-user';
import { createUserDocs } from './docs';
import { createUserDecision } from './decision';

/** The CreateUser use case: its decision, which module.ts gives the aggregate, and its route: POST a user: 201 with the user, its version as `ETag`, its path in `Location` and the command's Consistency-Token. */
export const creatingUser = {
  decision: createUserDecision,
  routes: (routeDeps: UserRouteDeps) =>
    new Elysia().post(
      '/v1/users',
      async ({ body, request, set }) => {
        const { user, version } = await createUser(routeDeps.deps, body, requestMetadata(request));
        indexResult(routeDeps, user, version);
        set.status = 201;
        set.headers.etag = etagOf(version);
        set.headers.location = `/v1/users/${user.id}`;
        set.headers[CONSISTENCY_TOKEN_HEADER] = routeDeps.tokenOf(user.id, version);
        return user;
      },
      {
        parse: JSON_BODY,
        body: CreateUserBody,
        response: { 201: UserSchema, 400: ProblemSchema, 503: ProblemSchema },
        detail: createUserDocs,
      },
    ),
};
