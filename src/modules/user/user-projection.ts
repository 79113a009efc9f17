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
  const updated: UserEventEnvelope[] = [];
  for (const event of appended) {
    switch (event.type) {
      case 'UserCreated': {
        const at = new Date(event.occurredAt);
        created.push({ id: event.data.userId, firstName: event.data.firstName, lastName: event.data.lastName, createdAt: at, lastModified: at, version: event.streamVersion });
        break;
      }
      case 'UserUpdated':
        updated.push(event);
        break;
      default: {
        const never: never = event;
        return never;
      }
    }
  }
  // Creations first: a stream's update can only follow its creation.
  if (created.length > 0) await tx.insert(users).values(created);
  for (const event of updated) {
    await tx
      .update(users)
      .set({ firstName: event.data.firstName, lastName: event.data.lastName, lastModified: new Date(event.occurredAt), version: event.streamVersion })
      .where(eq(users.id, event.data.userId));
  }
}

export type UserRow = typeof users.$inferSelect;

export const toUser = (row: UserRow): User => ({
  id: row.id,
  firstName: row.firstName,
  lastName: row.lastName,
  createdAt: row.createdAt.toISOString(),
  lastModified: row.lastModified.toISOString(),
});

export const etagOf = (version: number) => `"${version}"`;
