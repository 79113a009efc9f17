import { documented } from '../../../platform/http/openapi-docs';

const user = (id: number, firstName: string, lastName: string, at: string) => ({ id, firstName, lastName, createdAt: at, lastModified: at });
const grace = user(7, 'Grace', 'Hopper', '2026-03-01T09:31:00.000Z');
const alan = user(9, 'Alan', 'Turing', '2026-03-01T09:32:00.000Z');
const badQuery = { detail: "query friendId: Property 'friendId' is missing" };
const unavailable = { detail: 'the database is unavailable; retry later' };
const namesNote =
  ' Names are not stored here: they are read from the user service (and kept in memory), always the current ones; ' +
  'when the user service cannot be reached, names read before are shown, and a user whose name was never read makes the answer a 503 with Retry-After.';
const asOfNote =
  ' With `asOf` (an RFC 3339 instant with a time zone, e.g. `2026-03-01T09:30:00Z`), the answer the graph would have given at that instant, ' +
  'rebuilt from the events logged as occurred at or before it (dates as they were then, but current names: past names are kept nowhere); an `asOf` in the future or malformed is a 400.';
const badAsOf = { detail: 'query asOf: expected an RFC 3339 instant with a time zone, like 2026-03-01T09:30:00Z (got "2026-03-01T09:30:00")' };

export const mutualFriendsDocs = documented({
  tags: ['recommendation'],
  summary: 'Friends both users have, by id (unknown users have none)',
  description:
    'Answered from the graph projected from user and friend events, so a change shows here shortly after its command answered. ' +
    'A user known only from a friendship (its `UserCreated` not yet received) has null dates. At most `limit` items, by id.' +
    namesNote +
    asOfNote,
  examplePath: '/v1/users/42/commands/findMutualFriends',
  responses: {
    200: { description: 'The mutual friends, by id', example: [grace, alan] },
    400: { description: 'Invalid or missing id, invalid limit, or an asOf that is malformed or in the future', example: badQuery },
    503: { description: 'The service is not ready, or names it has never read cannot be read now (Retry-After)', example: unavailable },
  },
});

export const recommendFriendsDocs = documented({
  tags: ['recommendation'],
  summary: 'Friends of friends, most mutual friends first, ties by id',
  description:
    'Users who are friends of this user\'s friends but not yet its friends, never the user themself. ' +
    '`weight` is the number of mutual friends; highest first, ties by id. Answered from the projected graph; at most `limit` items.' +
    namesNote +
    asOfNote,
  examplePath: '/v1/users/42/commands/recommendFriends',
  responses: {
    200: { description: 'The suggestions, best first', example: [{ user: grace, weight: 2 }, { user: alan, weight: 1 }] },
    400: { description: 'Invalid id or limit, or an asOf that is malformed or in the future', example: badAsOf },
    503: { description: 'The service is not ready, or names it has never read cannot be read now (Retry-After)', example: unavailable },
  },
});
