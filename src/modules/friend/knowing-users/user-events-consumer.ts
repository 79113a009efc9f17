import { DeadLetterError, type Subscription } from '../../../platform/events/bus';
import { USER_EVENTS_TOPIC, type UserEventEnvelope } from '../../user/contracts/events';
import type { UserDirectory } from './user-directory';
import { isId } from '../../../platform/ids';

/** Keeps the local replica of user ids. Inserting an id twice is a no-op, so redelivery is harmless. */
export function userEventsConsumer(directory: UserDirectory): Subscription {
  return {
    group: 'friend',
    topics: [USER_EVENTS_TOPIC],
    async handle(_topic, batch) {
      const created = (batch as readonly UserEventEnvelope[]).filter((e) => e.type === 'UserCreated');
      // An id the replica's integer column cannot hold fails the insert on every redelivery and
      // would stall its partition for good: the bus sets that event aside and delivers the rest.
      const malformed = created.find((e) => !isId((e.data as { userId?: unknown } | null)?.userId));
      if (malformed) throw new DeadLetterError(`UserCreated ${malformed.id} carries no valid userId`, malformed.id);
      await directory.remember(created.map((e) => e.data.userId));
    },
  };
}
