import { t, type Static } from 'elysia';
import { Id } from '../../../platform/http/paging';
import { Text } from '../../../platform/http/text';
import { IdList } from '../../../platform/http/id-list';

/** HTTP shapes of the user service, compatible with the original Spring API. */
const Name = Text({ minLength: 1, maxLength: 100, notBlank: true, description: '1 to 100 characters, not blank' });

export const UserId = Id('id', 'user id');

export const UserSchema = t.Object(
  {
    id: t.Integer(),
    firstName: t.String(),
    lastName: t.String(),
    createdAt: t.String({ format: 'date-time' }),
    lastModified: t.String({ format: 'date-time' }),
  },
  { $id: '#/components/schemas/User' },
);

/**
 * Unknown fields are ignored, and the document says so: left to Elysia, a body schema gets
 * `additionalProperties: false` once its validator is compiled (it strips extras rather than
 * rejecting them), and the OpenAPI document would say so or not depending on whether it was first
 * read before or after the first request. Handlers pick the fields they use.
 */
const Lenient = { additionalProperties: true } as const;

export const CreateUserBody = t.Object({ firstName: Name, lastName: Name }, Lenient);

/** `id` may be sent back (clients of the original PUT the whole object) but must match the path. */
export const UpdateUserBody = t.Object({ id: t.Optional(t.Integer()), firstName: Name, lastName: Name }, Lenient);

export type User = Static<typeof UserSchema>;

/** Ids per names look-up: a page of recommendations at the largest `limit`. */
export const MAX_NAMED_USERS = 1000;

/** Comma-separated user ids: the document's pattern is exactly the check (platform/http/id-list.ts). */
export const UserNamesQuery = t.Object({
  ids: IdList({ maxItems: MAX_NAMED_USERS, description: `comma-separated user ids (1 to 2147483647, plain decimals), at most ${MAX_NAMED_USERS}`, example: '42,7' }),
});

/**
 * The names of several users at once, with the version of each user's stream they are from, for
 * services that show names without keeping them (recommendation). An id neither in `users` nor in
 * `erased` was never created.
 */
export const UserNamesSchema = t.Object(
  {
    users: t.Array(
      t.Object({
        id: t.Integer(),
        firstName: t.String(),
        lastName: t.String(),
        version: t.Integer({ minimum: 1, description: 'version of the user stream these names are from (the ETag of the user)' }),
      }),
      { description: 'users that exist, in the order asked' },
    ),
    erased: t.Array(t.Integer(), { description: 'ids of erased users, who have no names any more' }),
  },
  { $id: '#/components/schemas/UserNames' },
);

export type UserNames = Static<typeof UserNamesSchema>;

/** Paths other modules may call, relative to a user-service instance. */
export const userPaths = {
  user: (id: number) => `/v1/users/${id}`,
  names: (ids: readonly number[]) => `/v1/user-names?ids=${ids.join(',')}`,
};
