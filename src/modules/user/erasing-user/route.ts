import { Elysia, t } from 'elysia';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { requestMetadata } from '../../../platform/http/app';
import { ProblemSchema } from '../../../platform/http/problem';
import { IdParams, indexErasure, type UserRouteDeps } from '../route-deps';
import { eraseUserDocs } from './docs';
import { eraseUser } from './erase-user';
import { eraseUserDecision } from './decision';

/** The EraseUser use case: its decision, which module.ts gives the aggregate, and its route: DELETE a user: 204 with the command's Consistency-Token; the name index keeps a tombstone. */
export const erasingUser = {
  decision: eraseUserDecision,
  routes: (routeDeps: UserRouteDeps) =>
    new Elysia().delete(
      '/v1/users/:id',
      async ({ params, request, set }) => {
        const version = await eraseUser(routeDeps.deps, params.id, requestMetadata(request));
        indexErasure(routeDeps, params.id, version);
        set.status = 204;
        set.headers[CONSISTENCY_TOKEN_HEADER] = routeDeps.tokenOf(params.id, version);
      },
      {
        params: IdParams,
        response: { 204: t.Void({ description: 'erased' }), 400: ProblemSchema, 404: ProblemSchema, 410: ProblemSchema, 503: ProblemSchema },
        detail: eraseUserDocs,
      },
    ),
};
