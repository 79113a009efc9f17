import { t, type Static } from 'elysia';
import { Id, Limit } from '../../../platform/http/paging';

/** HTTP shapes of the recommendation service, compatible with the original Spring API. */
export { Limit };

/**
 * A user as the recommendation service shows it. Events from the two topics arrive in any order,
 * so a user can be known from a friendship before its UserCreated arrives: until then the
 * timestamps are null rather than invented. Names come from the user service at answer time.
 */
export const RecommendationUserSchema = t.Object(
  {
    id: t.Integer(),
    firstName: t.Nullable(t.String(), { description: 'the current first name, from the user service; null when it has none to give (or the user service could not be asked about a user known only from a friendship)' }),
    lastName: t.Nullable(t.String(), { description: 'the current last name, as firstName' }),
    createdAt: t.Nullable(t.String({ format: 'date-time' }), { description: 'null until UserCreated has arrived' }),
    lastModified: t.Nullable(t.String({ format: 'date-time' }), { description: 'time of the latest user event applied' }),
  },
  { $id: '#/components/schemas/RecommendationUser' },
);

export const FriendRecommendationSchema = t.Object(
  {
    user: RecommendationUserSchema,
    weight: t.Integer({ minimum: 1, description: 'number of mutual friends' }),
  },
  { $id: '#/components/schemas/FriendRecommendation' },
);

/**
 * Checked by querying-the-past/as-of.ts rather than by a `format`, so that a refusal says what is
 * wrong (no time zone, a day that does not exist, the future).
 */
export const AsOf = t.String({
  title: 'asOf',
  description: 'answer as the graph would have at this past instant: an RFC 3339 date-time with a time zone (Z or an offset), not in the future',
  example: '2026-03-01T09:30:00Z',
});

export const MutualFriendsQuery = t.Object({ friendId: Id('friendId', 'the other user', 7), limit: t.Optional(Limit), asOf: t.Optional(AsOf) });
export const RecommendFriendsQuery = t.Object({ limit: t.Optional(Limit), asOf: t.Optional(AsOf) });
export const UserIdParams = t.Object({ userId: Id('userId', 'whose recommendations') });

export type RecommendationUser = Static<typeof RecommendationUserSchema>;
export type FriendRecommendation = Static<typeof FriendRecommendationSchema>;
