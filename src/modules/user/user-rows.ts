import { sql } from 'drizzle-orm';
import type { User } from './contracts/http';
import type { EventNames, PersonalNames } from './contracts/events';
import { users } from './schema';

export type UserRow = typeof users.$inferSelect;

/**
 * The read-model columns for names an event carries: sealed ones as they are, plaintext ones of
 * an event from before sealing in the legacy columns (see schema.ts).
 */
export const namesColumns = (names: EventNames) =>
  'sealed' in names ? { sealedNames: names.sealed, firstName: null, lastName: null } : { sealedNames: null, firstName: names.plain.firstName, lastName: names.plain.lastName };

/**
 * An erased user's row stays, as a tombstone at the stream's version: no names (a real name is
 * never blank), so reads answer 410 and the read-model check still finds one row per stream.
 */
export const ERASED_NAMES = { sealedNames: null, firstName: '', lastName: '' };

/** Whether a read-model row is the tombstone of an erased user: no names, sealed or plain. */
export const isErased = (row: Pick<UserRow, 'sealedNames' | 'firstName'>) => row.sealedNames === null && !row.firstName;

/**
 * The same rule in SQL, negated (never null): the rows of users not erased. Statements that must
 * touch live users only use it (a key made for a user, names sealed in place); change it with
 * isErased above.
 */
export const notErased = sql`(${users.sealedNames} is not null or coalesce(${users.firstName}, '') <> '')`;

export const toUser = (row: Pick<UserRow, 'id' | 'createdAt' | 'lastModified'>, names: PersonalNames): User => ({
  id: row.id,
  firstName: names.firstName,
  lastName: names.lastName,
  createdAt: row.createdAt.toISOString(),
  lastModified: row.lastModified.toISOString(),
});

export const etagOf = (version: number) => `"${version}"`;
