import { eq } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import type { EnvelopeOf } from '../../../platform/events/envelope';
import type { UserUpdated } from '../contracts/events';
import { users } from '../schema';
import { namesColumns } from '../user-rows';

/** A rename touches its own row, at the stream's version. */
export async function renameUsers(tx: Queryable, events: EnvelopeOf<UserUpdated>[]): Promise<void> {
  for (const { data, occurredAt, streamVersion } of events) {
    await tx
      .update(users)
      .set({ ...namesColumns(data.names), lastModified: new Date(occurredAt), version: streamVersion })
      .where(eq(users.id, data.userId));
  }
}
