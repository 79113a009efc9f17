import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database';
import type { UserEventEnvelope } from './contracts/events';
import type { User } from './contracts/http';
import { users } from './schema';

/**
 * Applies user events to the `users` read model, inside the transaction that appends them. New
 * users go in with one multi-row insert (commands committed together share it); a rename touches
 * its own row.
 */
export async function projectUser(tx: Queryable, appended: readonly UserEventEnvelope[]): Promise<void> {
  const created: (typeof users.$inferInsert)[] = [];
  const changed: UserEventEnvelope[] = [];
  for (const event of appended) {
    switch (event.type) {
      case 'UserCreated': {
        const at = new Date(event.occurredAt);
        created.push({ id: event.data.userId, firstName: event.data.firstName, lastName: event.data.lastName, createdAt: at, lastModified: at, version: event.streamVersion });
        break;
      }
      case 'UserUpdated':
      case 'UserErased':
        changed.push(event);
        break;
      default: {
        const never: never = event;
        return never;
      }
    }
  }
  // Creations first: a stream's update can only follow its creation.
  if (created.length > 0) await tx.insert(users).values(created);
  for (const event of changed) {
    // An erased user's row stays, as a tombstone at the stream's version: names blanked (a real
    // name is never blank), so reads answer 410 and the read-model check still finds one row per stream.
    const names = event.type === 'UserErased' ? ERASED_NAMES : { firstName: event.data.firstName, lastName: event.data.lastName };
    await tx
      .update(users)
      .set({ ...names, lastModified: new Date(event.occurredAt), version: event.streamVersion })
      .where(eq(users.id, event.data.userId));
  }
}

export type UserRow = typeof users.$inferSelect;

const ERASED_NAMES = { firstName: '', lastName: '' };

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
