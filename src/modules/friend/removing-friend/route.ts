import { Elysia, t } from 'elysia';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { requestMetadata } from '../../../platform/http/app';
import { ProblemSchema } from '../../../platform/http/problem';
import { friendRoutes } from '../contracts/http';
import { PairParams, type FriendRouteDeps } from '../route-deps';
import { removeFriendDocs } from './docs';
import { removeFriend } from './remove-friend';
import { removeFriendDecision } from './decision';

/** The RemoveFriend use case: its decision, which module.ts gives the aggregate, and its route: POST removeFriend, 204 with the command's Consistency-Token. */
export const removingFriend = {
  decision: removeFriendDecision,
  routes: ({ deps, tokenOf }: FriendRouteDeps) =>
    new Elysia().post(
      friendRoutes.removeFriend,
      async ({ params, query, request, set }) => {
        const version = await removeFriend(deps, params.userId, query.friendId, requestMetadata(request));
        set.status = 204;
        set.headers[CONSISTENCY_TOKEN_HEADER] = tokenOf(params.userId, query.friendId, version);
      },
      {
        ...PairParams,
        response: { 204: t.Void({ description: 'removed' }), 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema },
        detail: removeFriendDocs,
      },
    ),
};
