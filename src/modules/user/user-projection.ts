import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database';
import type { UserEventEnvelope } from './contracts/events';
import type { User } from './contracts/http';
import { users } from './schema';

/** Applies user events to the `users` read model, inside the command's transaction. */
export async function projectUser(tx: Queryable, appended: readonly UserEventEnvelope[]): Promise<void> {
  for (const event of appended) {
    const at = new Date(event.occurredAt);
    switch (event.type) {
      case 'UserCreated':
        await tx.insert(users).values({ id: event.data.userId, firstName: event.data.firstName, lastName: event.data.lastName, createdAt: at, lastModified: at, version: event.streamVersion });
        break;
      case 'UserUpdated':
        await tx
          .update(users)
          .set({ firstName: event.data.firstName, lastName: event.data.lastName, lastModified: at, version: event.streamVersion })
          .where(eq(users.id, event.data.userId));
        break;
      case 'UserErased':
        // The row stays, as a tombstone at the stream's version: names blanked (a real name is
        // never blank), so reads answer 410 and the read-model check still finds one row per stream.
        await tx.update(users).set({ ...ERASED_NAMES, lastModified: at, version: event.streamVersion }).where(eq(users.id, event.data.userId));
        break;
      default: {
        const never: never = event;
        return never;
      }
    }
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
