import { Elysia } from 'elysia';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { requestMetadata } from '../../../platform/http/app';
import { ProblemSchema } from '../../../platform/http/problem';
import { FriendSchema, friendPaths, friendRoutes } from '../contracts/http';
import { PairParams, type FriendRouteDeps } from '../route-deps';
import { addFriend } from './add-friend';
import { addFriendDocs } from './docs';
import { addFriendDecision } from './decision';

/** The AddFriend use case: its decision, which module.ts gives the aggregate, and its route: POST addFriend, 201 with the friendship, its path in `Location` and the command's Consistency-Token. */
export const addingFriend = {
  decision: addFriendDecision,
  routes: ({ deps, tokenOf }: FriendRouteDeps) =>
    new Elysia().post(
      friendRoutes.addFriend,
      async ({ params, query, request, set }) => {
        const { friend, version } = await addFriend(deps, params.userId, query.friendId, requestMetadata(request));
        set.status = 201;
        set.headers[CONSISTENCY_TOKEN_HEADER] = tokenOf(params.userId, query.friendId, version);
        set.headers.location = friendPaths.friendship(friend.id);
        return friend;
      },
      {
        ...PairParams,
        response: { 201: FriendSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 410: ProblemSchema, 503: ProblemSchema },
        detail: addFriendDocs,
      },
    ),
};
