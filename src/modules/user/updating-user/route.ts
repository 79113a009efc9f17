import { Elysia, t } from 'elysia';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { requestMetadata } from '../../../platform/http/app';
import { ProblemSchema } from '../../../platform/http/problem';
import { UpdateUserBody, UserSchema } from '../contracts/http';
import { IdParams, indexResult, JSON_BODY, type UserRouteDeps } from '../route-deps';
import { etagOf } from '../user-rows';
import { updateUserDocs } from './docs';
import { updateUser } from './update-user';
import { updateUserDecision } from './decision';

/** The UpdateUser use case: its decision, which module.ts gives the aggregate, and its route: PUT a user, optionally guarded by `If-Match`: 200 with the user, its new `ETag` and the command's Consistency-Token. */
export const updatingUser = {
  decision: updateUserDecision,
  routes: (routeDeps: UserRouteDeps) =>
    new Elysia().put(
      '/v1/users/:id',
      async ({ params, body, request, set }) => {
        const metadata = requestMetadata(request);
        const { user, version } = await updateUser(routeDeps.deps, params.id, body, request.headers.get('if-match'), metadata);
        indexResult(routeDeps, user, version);
        set.headers.etag = etagOf(version);
        set.headers[CONSISTENCY_TOKEN_HEADER] = routeDeps.tokenOf(user.id, version);
        return user;
      },
      {
        params: IdParams,
        parse: JSON_BODY,
        body: UpdateUserBody,
        headers: t.Object({ 'if-match': t.Optional(t.String({ description: 'ETag from a previous read; 412 if stale' })) }),
        response: { 200: UserSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 410: ProblemSchema, 412: ProblemSchema, 503: ProblemSchema },
        detail: updateUserDocs,
      },
    ),
};
