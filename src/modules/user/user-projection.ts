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
      default: {
        const never: never = event;
        return never;
      }
    }
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
