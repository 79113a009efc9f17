import type { User } from './contracts/http';
import { users } from './schema';

export type UserRow = typeof users.$inferSelect;

/**
 * An erased user's row stays, as a tombstone at the stream's version: names blanked (a real name is
 * never blank), so reads answer 410 and the read-model check still finds one row per stream.
 */
export const ERASED_NAMES = { firstName: '', lastName: '' };

/** Whether a read-model row is the tombstone of an erased user. */
export const isErased = (row: Pick<UserRow, 'firstName' | 'lastName'>) => row.firstName === '' && row.lastName === '';

export const toUser = (row: UserRow): User => ({
  id: row.id,
  firstName: row.firstName,
  lastName: row.lastName,
  createdAt: row.createdAt.toISOString(),
  lastModified: row.lastModified.toISOString(),
});

export const etagOf = (version: number) => `"${version}"`;
