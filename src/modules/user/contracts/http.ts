import { t, type Static } from 'elysia';
import { Id } from '../../../platform/http/paging';
import { Text } from '../../../platform/http/text';

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

/** Paths other modules may call, relative to a user-service instance. */
export const userPaths = {
  user: (id: number) => `/v1/users/${id}`,
};
