import { Elysia, t } from 'elysia';
import type { Clock } from '../../../platform/clock';
import type { ConsistencyGate } from '../../../platform/consistency/consistency-gate';
import { CONSISTENCY_TOKEN_HEADER } from '../../../platform/consistency/token';
import { ProblemSchema } from '../../../platform/http/problem';
import { FriendRecommendationSchema, MutualFriendsQuery, RecommendationUserSchema, RecommendFriendsQuery, UserIdParams } from '../contracts/http';
import type { GraphUser, SocialGraph } from '../graph/social-graph';
import type { UserNamer } from '../naming-users/user-namer';
import { userStreamId } from '../../user/contracts/events';
import { parseAsOf } from '../querying-the-past/as-of';
import type { PastAnswers } from '../querying-the-past/past-answers';
import { mutualFriendsDocs, recommendFriendsDocs } from './docs';

const DEFAULT_LIMIT = 100;

/**
 * The two queries: answered from the graph, or from the log with `asOf`. A read carrying a
 * Consistency-Token first waits for the graph to hold that write. The log is written before the
 * graph, so a token the graph honours is in the log for `asOf` too. Either way the answer gets
 * its names last, from the namer: current names, as of the versions the live graph applied.
 * The handlers are `async`: as plain arrows returning either of two promises, Elysia 1.4 checked
 * the response schema against something else (every call a 400).
 */
export function queryRoutes({ graph, past, gate, clock, namer }: { graph: SocialGraph; past: PastAnswers; gate: ConsistencyGate; clock: Clock; namer: UserNamer }) {
  /** A past answer's users carry their versions then: their names must be as new as the live graph's. */
  const currentVersions = (users: readonly GraphUser[]) => graph.streamVersions(users.map((u) => userStreamId(u.id)));
  const named = async (users: GraphUser[], request: Request, past: boolean) =>
    users.length === 0 ? [] : namer.name(users, past ? await currentVersions(users) : undefined, request.headers.get('traceparent') ?? undefined);
  return new Elysia({ name: 'recommendation-queries' })
    .get(
      '/v1/users/:userId/commands/findMutualFriends',
      async ({ params: { userId }, query: { friendId, limit, asOf }, request, set }) => {
        await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
        const users = asOf === undefined
          ? await graph.mutualFriends(userId, friendId, limit ?? DEFAULT_LIMIT)
          : await past.mutualFriends(userId, friendId, parseAsOf(asOf, clock.now()), limit ?? DEFAULT_LIMIT);
        return named(users, request, asOf !== undefined);
      },
      {
        params: UserIdParams,
        query: MutualFriendsQuery,
        response: { 200: t.Array(RecommendationUserSchema), 400: ProblemSchema, 503: ProblemSchema },
        detail: mutualFriendsDocs,
      },
    )
    .get(
      '/v1/users/:userId/commands/recommendFriends',
      async ({ params: { userId }, query: { limit, asOf }, request, set }) => {
        await gate.ensure(request.headers.get(CONSISTENCY_TOKEN_HEADER), set);
        const page = asOf === undefined
          ? await graph.recommendFriends(userId, limit ?? DEFAULT_LIMIT)
          : await past.recommendFriends(userId, parseAsOf(asOf, clock.now()), limit ?? DEFAULT_LIMIT);
        const users = await named(page.map((r) => r.user), request, asOf !== undefined);
        return page.map((r, i) => ({ user: users[i]!, weight: r.weight }));
      },
      {
        params: UserIdParams,
        query: RecommendFriendsQuery,
        response: { 200: t.Array(FriendRecommendationSchema), 400: ProblemSchema, 503: ProblemSchema },
        detail: recommendFriendsDocs,
      },
    );
}
