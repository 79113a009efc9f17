import { Elysia, t } from 'elysia';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { Id, Limit } from '../../../platform/http/paging';
import { ProblemSchema } from '../../../platform/http/problem';
import { FriendSchema, friendRoutes } from '../contracts/http';
import type { FriendRouteDeps } from '../route-deps';
import { listFriendsDocs } from './docs';
import { listFriends } from './list-friends';

/** GET a user's friends; a read with a Consistency-Token waits until it is reached. */
export const listingFriends = ({ deps, gate }: FriendRouteDeps) =>
  new Elysia().get(
    friendRoutes.friendsOf,
    async ({ params, query, request, set }) => {
      await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
      return listFriends(deps.db, params.userId, query.limit ?? 100, query.after);
    },
    {
      params: t.Object({ userId: Id('userId', 'whose friends') }),
      query: t.Object({ limit: t.Optional(Limit), after: t.Optional(Id('after', 'the last friendship `id` of the previous page: only later friendships are listed', 1001)) }),
      response: { 200: t.Array(FriendSchema), 400: ProblemSchema, 503: ProblemSchema },
      detail: listFriendsDocs,
    },
  );
