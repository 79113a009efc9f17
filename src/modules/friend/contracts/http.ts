import { t, type Static } from 'elysia';

/** HTTP shapes of the friend service, compatible with the original Spring API. */
export const FriendSchema = t.Object(
  {
    id: t.Integer({ description: 'friendship id' }),
    userId: t.Integer(),
    friendId: t.Integer(),
    createdAt: t.String({ format: 'date-time' }),
    updatedAt: t.String({ format: 'date-time' }),
  },
  { $id: '#/components/schemas/Friend' },
);

export type Friend = Static<typeof FriendSchema>;
