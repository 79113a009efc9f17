/** One user, as the examples of every user operation show it. */
export const adaExample = {
  id: 42,
  firstName: 'Ada',
  lastName: 'Lovelace',
  createdAt: '2026-03-01T09:30:00.000Z',
  lastModified: '2026-03-01T09:30:00.000Z',
};

/** The 400 any invalid id in a path gets. */
export const badIdExample = { detail: 'parameter id: expected a plain decimal integer (got "abc")', instance: '/v1/users/abc' };
