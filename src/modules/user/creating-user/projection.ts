import type { Queryable } from '../../../platform/db/database';
import type { EnvelopeOf } from '../../../platform/events/envelope';
import type { UserCreated } from '../contracts/events';
import { users } from '../schema';
import { namesColumns } from '../user-rows';

/** New users go into the read model with one multi-row insert, however many commands committed together. */
export async function insertUsers(tx: Queryable, events: EnvelopeOf<UserCreated>[]): Promise<void> {
  await tx.insert(users).values(
    events.map(({ data, occurredAt, streamVersion }) => {
      const at = new Date(occurredAt);
      return { id: data.userId, ...namesColumns(data.names), createdAt: at, lastModified: at, version: streamVersion };
    }),
  );
}
