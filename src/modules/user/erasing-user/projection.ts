import { eq } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import type { EnvelopeOf } from '../../../platform/events/envelope';
import type { UserErased } from '../contracts/events';
import { users } from '../schema';
import { ERASED_NAMES } from '../user-rows';

/** An erased user's row becomes a tombstone: names blanked, at the stream's version. */
export async function blankErasedUsers(tx: Queryable, events: EnvelopeOf<UserErased>[]): Promise<void> {
  for (const { data, occurredAt, streamVersion } of events) {
    await tx
      .update(users)
      .set({ ...ERASED_NAMES, lastModified: new Date(occurredAt), version: streamVersion })
      .where(eq(users.id, data.userId));
  }
}
