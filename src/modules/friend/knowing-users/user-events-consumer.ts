import { DeadLetterError, type Subscription } from '../../../platform/events/bus';
import { userEventCodec } from '../../user/contracts/codec';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import type { UserDirectory } from './user-directory';

/** Keeps the local replica of user ids. Inserting an id twice is a no-op, so redelivery is harmless. */
export function userEventsConsumer(directory: UserDirectory): Subscription {
  return {
    group: 'friend',
    topics: [USER_EVENTS_TOPIC],
    async handle(_topic, batch) {
      const created: number[] = [];
      for (const e of batch) {
        const decoded = userEventCodec.decode(e);
        // Types this replica has no use for (and may not know yet) pass by; an unreadable version,
        // or a UserCreated without a valid id (the replica's integer column would refuse it on
        // every redelivery), would stall the partition for good: the bus sets it aside.
        if (decoded.ok) {
          if (decoded.event.type === 'UserCreated') created.push(decoded.event.data.userId);
        } else if (decoded.fate === 'unknown-version' || (decoded.fate === 'malformed' && e.type === 'UserCreated')) {
          throw new DeadLetterError(`${e.type} ${e.id}: ${decoded.reason}`, e.id);
        }
      }
      await directory.remember(created);
    },
  };
}
