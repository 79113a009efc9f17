import { Elysia, t } from 'elysia';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { Id } from '../../../platform/http/paging';
import { ProblemSchema } from '../../../platform/http/problem';
import { FriendSchema, friendRoutes } from '../contracts/http';
import type { FriendRouteDeps } from '../route-deps';
import { getFriendshipDocs } from './docs';
import { getFriendship } from './get-friendship';

/** GET one friendship by id; a read with a Consistency-Token waits until it is reached. */
export const gettingFriendship = ({ deps, gate }: FriendRouteDeps) =>
  new Elysia().get(
    friendRoutes.friendship,
    async ({ params, request, set }) => {
      await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
      return getFriendship(deps.db, params.id);
    },
    {
      params: t.Object({ id: Id('id', 'friendship id', 1001) }),
      response: { 200: FriendSchema, 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema },
      detail: getFriendshipDocs,
    },
  );
