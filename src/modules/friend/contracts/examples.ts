/** One friendship, as the examples of every friend operation show it: user 42 befriended user 7. */
export const friendshipExample = {
  id: 1001,
  userId: 42,
  friendId: 7,
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
};

export const unavailableExample = { detail: 'the database is unavailable; retry later' };
