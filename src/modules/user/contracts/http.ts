import { t, type Static } from 'elysia';
import { Id } from '../../../platform/http/paging';

/** HTTP shapes of the user service, compatible with the original Spring API. */
const Name = t.String({ minLength: 1, maxLength: 100, pattern: '\\S', description: '1 to 100 characters, not blank' });

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

export const CreateUserBody = t.Object({ firstName: Name, lastName: Name });

/** `id` may be sent back (clients of the original PUT the whole object) but must match the path. */
export const UpdateUserBody = t.Object({ id: t.Optional(t.Integer()), firstName: Name, lastName: Name });

export type User = Static<typeof UserSchema>;

/** Paths other modules may call, relative to a user-service instance. */
export const userPaths = {
  user: (id: number) => `/v1/users/${id}`,
};
