import { eq } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import type { EnvelopeOf } from '../../../platform/events/envelope';
import type { UserErased } from '../contracts/events';
import { users } from '../schema';
import { ERASED_NAMES } from '../user-rows';
import { destroyKeys } from '../personal-data/key-store';
import { shredPlainNames } from '../personal-data/reseal';

/**
 * An erased user's row becomes a tombstone, names gone, at the stream's version; the user's data
 * key is destroyed in the same transaction, so no copy of the sealed names anywhere opens again.
 * Names the user's events carried in the clear (version 1, before sealing) are sealed under a key
 * thrown away at once: the same end.
 */
export async function blankErasedUsers(tx: Queryable, events: EnvelopeOf<UserErased>[]): Promise<void> {
  const erased = events.map((event) => event.data.userId);
  await destroyKeys(tx, erased);
  await shredPlainNames(tx, erased);
  for (const { data, occurredAt, streamVersion } of events) {
    await tx
      .update(users)
      .set({ ...ERASED_NAMES, lastModified: new Date(occurredAt), version: streamVersion })
      .where(eq(users.id, data.userId));
  }
}
